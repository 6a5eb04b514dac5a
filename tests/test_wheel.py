"""A wheel built from the checkout (`pip wheel --no-deps`, no network) and unpacked in another folder
serves every script, style and map file the page and /docs load: the npm files are package data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Run from the unpacked wheel: ask the app for the page, then for everything it loads, transitively
# through the modules' imports and the /vendor/ paths their code names.
_SERVE_AND_FETCH = r"""
import json, re, sys
from dataclasses import replace
from fastapi.testclient import TestClient
import sitroom
from sitroom.api.app import create_app
from sitroom.api.state import ApiConfig
from sitroom.settings import load_settings

client = TestClient(create_app(ApiConfig(replace(load_settings(), db=sys.argv[1]))))
wanted, seen, status = ["/", "/docs"], set(), {}
while wanted:
    path = wanted.pop()
    if path in seen:
        continue
    seen.add(path)
    response = client.get(path)
    status[path] = response.status_code
    if path.endswith((".js", ".html")) or path in ("/", "/docs"):
        text = response.text
        found = re.findall(r'(?:src|href)="(/[^"]+)"', text) + re.findall(r'"(/vendor/[^"]+)"', text)
        base = path.rsplit("/", 1)[0]
        found += [f"{base}/{m}" for m in re.findall(r'from "\./([\w.]+\.js)"', text)]
        wanted += [f for f in found if f not in seen]
print(json.dumps({"module": sitroom.__file__, "status": status}))
"""


def _sources(into: Path) -> Path:
    """The files a build reads, copied (a build in the checkout would leave build/ and egg-info there)."""
    for name in ("pyproject.toml", "README.md", "LICENSE", "NOTICE"):
        shutil.copy(REPO / name, into / name)
    shutil.copytree(REPO / "sitroom", into / "sitroom", ignore=shutil.ignore_patterns("__pycache__"))
    return into


def test_a_wheel_serves_every_file_the_page_loads(tmp_path):
    vendor = [sys.executable, "scripts/vendor_web.py", "--check"]
    check = subprocess.run(vendor, cwd=REPO, capture_output=True)
    if check.returncode != 0:
        pytest.fail(f"sitroom/web/vendor/ is not built (run scripts/setup.sh): {check.stderr.decode()}")
    source = tmp_path / "src"
    source.mkdir()
    _sources(source)
    wheels = tmp_path / "wheels"
    # The build backend (setuptools) comes from the package index pip is set up with; nothing of the
    # page is fetched: its files are in the package already.
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels)]
    subprocess.run([*build, str(source)], check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("sitroom-*.whl")
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ran = subprocess.run(
        [sys.executable, "-c", _SERVE_AND_FETCH, str(elsewhere / "store.db")],
        cwd=elsewhere,
        env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result["module"].startswith(str(unpacked))  # the wheel's code, not the checkout's
    status = result["status"]
    expected = {
        "/vendor/leaflet/dist/leaflet.js",
        "/vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
        "/vendor/topojson-client/dist/topojson-client.min.js",
        "/vendor/world-atlas/countries-110m.json",
        "/vendor/world-atlas/countries-50m.json",
        "/vendor/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/app.js",
        "/static/map.js",
    }
    assert expected <= set(status)
    assert {path: code for path, code in status.items() if code != 200} == {}
