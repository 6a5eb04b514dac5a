"""Fetching pages for POST /api/documents/urls: http(s) only, timeouts, a size cap, no private addresses.

The server fetches on a client's behalf, so it refuses addresses on this machine or its private network
(unless the operator allows them), and checks every redirect the same way.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

MAX_REDIRECTS = 3
USER_AGENT = "sitroom"


class FetchRefused(Exception):
    """A URL that was not fetched, and why."""


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float
    max_bytes: int
    allow_private: bool = False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx comes back as an HTTPError; `fetch` checks the target before following it


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(url: str, policy: FetchPolicy) -> bytes:
    """The body at `url` (following up to MAX_REDIRECTS checked redirects); FetchRefused on any failure."""
    for _ in range(MAX_REDIRECTS + 1):
        _check(url, policy)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with _OPENER.open(request, timeout=policy.timeout_s) as response:
                return _read_capped(response, policy.max_bytes)
        except urllib.error.HTTPError as err:
            target = err.headers.get("Location") if 300 <= err.code < 400 else None
            if target is None:
                raise FetchRefused(f"HTTP {err.code} {err.reason}") from err
            url = urllib.parse.urljoin(url, target)
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            raise FetchRefused(f"cannot fetch: {getattr(err, 'reason', err)}") from err
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")


def _check(url: str, policy: FetchPolicy) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused("only http:// and https:// URLs with a host can be fetched")
    if policy.allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchRefused(f"cannot resolve {parts.hostname}: {err}") from err
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise FetchRefused(f"{parts.hostname} is a local or private address ({address}); not fetched")


def _read_capped(response, max_bytes: int) -> bytes:
    data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FetchRefused(f"page is over the {max_bytes:,}-byte limit")
    return data
