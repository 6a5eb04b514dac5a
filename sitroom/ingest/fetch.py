"""The only HTTP code in sitroom: polite, bounded fetching for `sitroom watch` and the API's URL ingest.

Polite: a User-Agent that names sitroom, a delay between requests to one host, robots.txt obeyed.
Bounded: http and https only, a timeout on every read and on the whole response (a server that trickles
bytes is cut off), and a size cap checked before and while reading.
Guarded: addresses on this machine, its private network or link-local ones are refused unless allowed
(a server fetching on a client's behalf must not reach inside), and every redirect is checked the same way.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPException
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

CHUNK = 1 << 16
ROBOTS_MAX_BYTES = 500_000
SCHEMES = ("http", "https")
MAX_REDIRECTS = 3


def _user_agent() -> str:
    try:
        release = version("sitroom")
    except PackageNotFoundError:
        release = "dev"
    return f"sitroom/{release} (conflict-news monitor; polls feeds and sitemaps)"


USER_AGENT = _user_agent()


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # the final address, after redirects
    body: bytes
    content_type: str = ""

    def as_utf8(self) -> bytes:
        """The body in UTF-8 when the server names another charset that decodes it cleanly."""
        charset = Message()
        charset["content-type"] = self.content_type
        name = charset.get_content_charset()
        if not name or name in ("utf-8", "utf8"):
            return self.body
        try:
            return self.body.decode(name).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            return self.body  # a wrong or unknown charset: the decoder's own fallbacks take over


@dataclass(frozen=True, slots=True)
class Failed:
    url: str
    reason: str
    retry: bool  # worth trying again at the next poll (a timeout, a server error), or not (a 404)


def refusal(url: str, allow_private: bool) -> Failed | None:
    """Why the policy refuses `url` (not http(s), or a non-public address); None when it may be fetched."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return Failed(url, "not an http(s) address; only web addresses are fetched", retry=False)
    if allow_private:
        return None
    return _private_address(url, parts.hostname, parts.port)


def _private_address(url: str, host: str, port: int | None) -> Failed | None:
    try:
        infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as err:
        return Failed(url, f"cannot resolve {host}: {err}", retry=True)
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return Failed(url, f"{host} is a local or private address ({address}); not fetched", retry=False)
    return None


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is followed only where the policy allows the first address (never file:, ftp: or data:)."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in SCHEMES:
            reason = f"redirect to a non-HTTP address: {newurl}"
            raise urllib.error.HTTPError(newurl, code, reason, headers, fp)
        refused = refusal(newurl, self.allow_private)
        if refused is not None:
            raise urllib.error.HTTPError(newurl, code, f"redirect refused: {refused.reason}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class Fetcher:
    timeout: float = 20.0  # seconds for each read, and for a whole response
    max_bytes: int = 10_000_000
    delay: float = 1.0  # seconds between two requests to the same host
    obey_robots: bool = True
    allow_private: bool = False  # loopback, private and link-local addresses are refused unless set
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, RobotFileParser | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # No proxies from the environment: a fetch goes where the address says.
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), _CheckedRedirects(self.allow_private)
        )

    def fetch(self, url: str) -> Fetched | Failed:
        refused = refusal(url, self.allow_private)
        if refused is not None:
            return refused
        if self.obey_robots and not self._allowed(url):
            return Failed(url, "robots.txt asks crawlers not to fetch this address", retry=False)
        return self._get(url, self.max_bytes)

    def _get(self, url: str, max_bytes: int) -> Fetched | Failed:
        self._wait_for(urlsplit(url).netloc)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept": "*/*"})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return self._read(response, url, max_bytes)
        except urllib.error.HTTPError as err:
            return Failed(url, f"HTTP {err.code} {err.reason}", retry=err.code >= 500 or err.code == 429)
        except (urllib.error.URLError, TimeoutError, ConnectionError, HTTPException) as err:
            reason = getattr(err, "reason", None) or err
            return Failed(url, f"cannot fetch: {reason}", retry=True)
        except (ValueError, OSError) as err:
            return Failed(url, f"cannot fetch: {err}", retry=True)
        finally:
            self._last[urlsplit(url).netloc] = time.monotonic()

    def _read(self, response, url: str, max_bytes: int) -> Fetched | Failed:
        declared = response.headers.get("Content-Length", "")
        if declared.isdecimal() and int(declared) > max_bytes:
            return Failed(url, f"too big: {int(declared):,} bytes, over the {max_bytes:,}-byte limit", False)
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        total = 0
        while chunk := response.read1(CHUNK):
            total += len(chunk)
            if total > max_bytes:
                return Failed(url, f"too big: over the {max_bytes:,}-byte limit", retry=False)
            if time.monotonic() > deadline:
                return Failed(url, f"too slow: no complete response within {self.timeout:g} s", retry=True)
            chunks.append(chunk)
        return Fetched(response.geturl(), b"".join(chunks), response.headers.get("Content-Type", ""))

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = last + self.delay - time.monotonic()
            if pause > 0:
                self.sleep(pause)

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._robots:
            self._robots[site] = self._load_robots(site)
        robots = self._robots[site]
        return robots is None or robots.can_fetch(self.user_agent, url)

    def _load_robots(self, site: str) -> RobotFileParser | None:
        """The site's rules; None (everything allowed) when it has no readable robots.txt."""
        got = self._get(f"{site}/robots.txt", ROBOTS_MAX_BYTES)
        robots = RobotFileParser()
        if isinstance(got, Failed):
            if got.reason.startswith(("HTTP 401", "HTTP 403")):
                robots.disallow_all = True
                return robots
            return None
        robots.parse(got.body.decode("utf-8", "replace").splitlines())
        return robots
