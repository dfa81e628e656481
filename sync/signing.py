"""HMAC-signed API requests, as the provincial relay sends them and the API checks them.

``Authorization: HMAC-SHA256 key_id=<id>, ts=<unix seconds>, sig=<hex>`` where the
signature is HMAC-SHA256 with the client's key over four lines: the method, the path with
its query string, the timestamp and the SHA-256 of the body.
"""

import hashlib
import hmac
import re
import time

SCHEME = "HMAC-SHA256"
_HEADER = re.compile(r"^HMAC-SHA256\s+key_id=([A-Za-z0-9]+),\s*ts=(\d+),\s*sig=([0-9a-f]{64})$")


def string_to_sign(*, method: str, path: str, timestamp: int, body: bytes) -> bytes:
    body_hash = hashlib.sha256(body or b"").hexdigest()
    return f"{method.upper()}\n{path}\n{timestamp}\n{body_hash}".encode()


def signature(*, key: str, method: str, path: str, timestamp: int, body: bytes) -> str:
    message = string_to_sign(method=method, path=path, timestamp=timestamp, body=body)
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def authorization(
    *, key_id: str, key: str, method: str, path: str, body: bytes, now: int | None = None
) -> str:
    timestamp = int(now if now is not None else time.time())
    sig = signature(key=key, method=method, path=path, timestamp=timestamp, body=body)
    return f"{SCHEME} key_id={key_id}, ts={timestamp}, sig={sig}"


def parse(header: str) -> tuple[str, int, str] | None:
    """(key id, timestamp, signature) of a well-formed header, else None."""
    match = _HEADER.match(header.strip())
    if not match:
        return None
    return match[1], int(match[2]), match[3]
