"""Write tokens: a random secret shown once, kept in the store only as its SHA-256 hash."""

from __future__ import annotations

import hashlib
import re
import secrets

from sitroom.errors import SitroomError
from sitroom.store import Store

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_PREFIX = "sitroom_"


class TokenError(SitroomError):
    """A token name that cannot be used, or a token that does not exist."""

    code = "S650"


def hash_token(token: str) -> str:
    """What the store keeps: the token's SHA-256, hex. The token is random, so no salt is needed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str) -> str:
    """A new random token for `name` (who the reviews it writes are recorded as); only its hash is kept."""
    if not _NAME.match(name):
        raise TokenError(
            f"bad token name {name!r}: 1-64 letters, digits, '.', '_', '@' or '-',"
            " starting with a letter or digit"
        )
    token = _PREFIX + secrets.token_urlsafe(32)
    store.add_token(name, hash_token(token))
    return token


def token_owner(store: Store, token: str) -> str | None:
    """The name a token was created for, or None when it is unknown or revoked."""
    if not token or len(token) > 200:
        return None
    return store.token_name(hash_token(token))


def revoke_token(store: Store, name: str) -> None:
    if not store.delete_token(name):
        raise TokenError(f"no token named {name!r}")
