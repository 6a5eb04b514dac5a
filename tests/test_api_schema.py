"""Property-based tests of the API from its own OpenAPI document (schemathesis): every operation, with
valid and invalid input, must answer as documented: no server error, documented status codes and content
types, bodies matching their schemas, bad input refused with a 4xx."""

from __future__ import annotations

from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from support.examples_db import copy_of_examples

from sitroom.api.app import create_app
from sitroom.api.auth import create_token
from sitroom.api.state import ApiConfig
from sitroom.store import open_store

pytestmark = pytest.mark.slow

# Fetching pages needs the network; that operation is tested against a local server in test_api.py.
OFFLINE_ONLY = "/api/documents/urls"
_token: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(base_settings, pipeline, tmp_path_factory):
    db = copy_of_examples(pipeline, tmp_path_factory.mktemp("schema"))
    with open_store(str(db)) as store:
        _token["value"] = create_token(store, "schemathesis")
    app = create_app(ApiConfig(replace(base_settings, db=str(db))))
    app.state.pipelines._pipeline = pipeline
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path=OFFLINE_ONLY)


schema = schemathesis.pytest.from_fixture("api_schema")


# Rules across parameters (since <= until, a bbox's min <= max, a correction's value, a review's `other`,
# English text) cannot be written in OpenAPI: a request the schema allows may rightly get a 422. Every
# other check runs: no server error, documented status codes and content types, responses matching their
# schemas, schema-violating requests refused, writes refused without the token.
LEGITIMATE_422 = [schemathesis.checks.positive_data_acceptance]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {_token['value']}"}, excluded_checks=LEGITIMATE_422
    )
