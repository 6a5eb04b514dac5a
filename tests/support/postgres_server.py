"""A PostgreSQL server for the tests: the one named by SITROOM_TEST_POSTGRES, or a throwaway cluster.

The throwaway cluster lives in a temporary folder and listens only on a unix socket there. PostgreSQL
refuses to run as root, so as root the server runs as the `postgres` user (Debian's package makes it).
Each test gets an empty schema of its own (`fresh_url`), so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ENV_VAR = "SITROOM_TEST_POSTGRES"
_SEARCH_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


class Unavailable(Exception):
    """Why no PostgreSQL server can be had (the tests that need one skip with this reason)."""


def _binary(name: str) -> str:
    for folder in _SEARCH_DIRS:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise Unavailable(f"{name} not found (install Debian's postgresql package, or set {ENV_VAR})")
    return found


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise Unavailable("running as root and there is no 'postgres' user to run the server as") from exc
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """initdb + pg_ctl in a temporary folder; yields the URL of its `postgres` database."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    runner = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="sitroom-pg-"))
    if runner:
        shutil.chown(root, user="postgres")
    data, log = root / "data", root / "server.log"
    try:
        _run(runner + [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"], root)
        options = f"-k {root} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        _run(runner + [pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"], root)
        try:
            yield f"postgresql://postgres@/postgres?host={quote(str(root), safe='/')}"
        finally:
            subprocess.run(runner + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise Unavailable(f"{Path(command[-1]).name} failed: {(done.stderr or done.stdout).strip()[-500:]}")


class Schemas:
    """Hands out URLs that each open an empty schema of one database; drops them all at the end."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        try:
            self._admin = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise Unavailable(f"cannot connect to {url}: {exc}") from exc
        self._numbers = itertools.count()
        self._made: list[str] = []

    def fresh_url(self) -> str:
        name = f"sitroom_test_{os.getpid()}_{next(self._numbers)}"
        self._admin.execute(f"CREATE SCHEMA {name}")
        self._made.append(name)
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}options={quote(f'-csearch_path={name}')}"

    def close(self) -> None:
        for name in self._made:
            self._admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        self._admin.close()


@contextmanager
def postgres_schemas() -> Iterator[Schemas]:
    """Schemas on SITROOM_TEST_POSTGRES if set, else on a throwaway cluster; Unavailable if neither."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise Unavailable("psycopg is not installed (pip install 'psycopg[binary]')") from exc
    configured = os.environ.get(ENV_VAR)
    if configured:
        schemas = Schemas(configured)
        try:
            yield schemas
        finally:
            schemas.close()
        return
    with throwaway_cluster() as url:
        schemas = Schemas(url)
        try:
            yield schemas
        finally:
            schemas.close()
