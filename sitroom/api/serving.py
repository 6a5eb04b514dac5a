"""Running the API: one process or several (`workers`), each building the app from the same configuration.

Several worker processes share one listening socket (uvicorn's supervisor starts them and restarts one
that dies); each builds its app through `app_from_environment` from the configuration `serve` left in
the environment, since a worker is a fresh interpreter. Every worker keeps its own readers and answers.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, fields, replace
from pathlib import Path

from fastapi import FastAPI

from sitroom.api.observe import configure_logging
from sitroom.api.state import ApiConfig
from sitroom.settings import Settings

CONFIG_VARIABLE = "SITROOM_SERVE_CONFIG"
_PATHS = {"web_dir", "vendor_dir"}


def serve(
    config: ApiConfig,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    log_format: str = "text",
    forwarded_allow_ips: str | None = None,
) -> None:
    """Serve until interrupted, with `workers` processes (default: one per core)."""
    import uvicorn

    os.environ[CONFIG_VARIABLE] = _dumps(config, log_format)
    uvicorn.run(
        "sitroom.api.serving:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers or default_workers(),
        log_level="warning",  # uvicorn's own lines; requests are logged by sitroom's access log
        access_log=False,
        server_header=False,
        proxy_headers=True,  # the client's address from X-Forwarded-For, when a trusted proxy sends it
        forwarded_allow_ips=forwarded_allow_ips,
    )


def default_workers() -> int:
    return os.cpu_count() or 1


def app_from_environment() -> FastAPI:
    """The app of one worker process, from the configuration `serve` put in the environment."""
    from sitroom.api.app import create_app

    config, log_format = _loads(os.environ[CONFIG_VARIABLE])
    configure_logging(log_format)
    return create_app(config)


def _dumps(config: ApiConfig, log_format: str) -> str:
    plain = {f.name: getattr(config, f.name) for f in fields(config) if f.name != "settings"}
    plain = {k: str(v) if k in _PATHS else v for k, v in plain.items()}
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config.settings).items()}
    return json.dumps({"config": plain, "settings": settings, "log_format": log_format})


def _loads(text: str) -> tuple[ApiConfig, str]:
    raw = json.loads(text)
    settings = Settings(**raw["settings"])
    settings = replace(settings, gazetteer_path=Path(settings.gazetteer_path))
    plain = raw["config"]
    plain = {k: Path(v) if k in _PATHS else v for k, v in plain.items()}
    plain["cors_origins"] = tuple(plain["cors_origins"])
    return ApiConfig(settings=settings, **plain), raw["log_format"]
