"""Uploaded files: checked by size and by content, never by the name or the browser's claim
(issue 4; ARCHITECTURE: validated uploads)."""

from __future__ import annotations

import os

from django.conf import settings
from django.utils.translation import gettext as _

from qogam.core.errors import ValidationFailed

DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    # DOCX and XLSX are ZIP containers.
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}
EXTENSIONS = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
IMAGE_TYPES = ("image/png", "image/jpeg")


def _refuse(field: str, message) -> ValidationFailed:
    return ValidationFailed(fields={field: [str(message)]})


def checked_upload(upload, *, field: str = "file", allowed=tuple(DOCUMENT_TYPES)) -> tuple[bytes, str, str]:
    """(content, content type, safe file name) of an upload, or ValidationFailed on size or type."""
    limit = settings.QOGAM_MAX_UPLOAD_BYTES
    if upload is None:
        raise _refuse(field, _("Choose a file to upload."))
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(field, _("The file is larger than %(mb)s MB. Upload a smaller file.")
                       % {"mb": f"{limit / 1048576:.0f}"})
    if not data:
        raise _refuse(field, _("The file is empty."))
    name = os.path.basename(getattr(upload, "name", "") or "file")
    ext = os.path.splitext(name)[1].lower()
    kind = EXTENSIONS.get(ext)
    if kind not in allowed or not data.startswith(DOCUMENT_TYPES[kind]):
        names = ", ".join(sorted({e.lstrip(".").upper() for e, t in EXTENSIONS.items() if t in allowed}))
        raise _refuse(field, _("This file is not an accepted type. Upload one of: %(types)s.") % {"types": names})
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[-100:] or f"file{ext}"
    return data, kind, safe
