"""Personal identifiers are stored only as keyed hashes. The key lives outside the database."""

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings


def _key() -> bytes:
    return _key_at(str(settings.QOGAM_PERSONAL_KEY_FILE))


@lru_cache(maxsize=8)
def _key_at(location: str) -> bytes:
    path = Path(location)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return bytes.fromhex(path.read_text().strip())
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return bytes.fromhex(key)


def iin_hash(iin: str) -> str:
    return hmac.new(_key(), iin.encode(), hashlib.sha256).hexdigest()
