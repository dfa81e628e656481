"""Evidence uploads: what is accepted, decided by the bytes, not by the file name."""

import hashlib
import io

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def inspect_upload(upload) -> dict:
    """Check an uploaded file and return its facts (content type, size, digest).

    Raises ``ValidationError`` with a message for the person uploading: too large, or
    not a PDF, JPEG or PNG by its content (a renamed program is refused)."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit)d MB.")
            % {
                "name": upload.name,
                "size": upload.size / 1024 / 1024,
                "limit": limit // 1024 // 1024,
            },
            code="too_large",
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file (judged by its content, not its name).")
            % {"name": upload.name},
            code="type",
        )
    content = upload.read()
    upload.seek(0)
    if mime.startswith("image/"):
        try:
            Image.open(io.BytesIO(content)).verify()
        except Exception:  # Pillow raises many kinds for a damaged image
            raise ValidationError(
                _("“%(name)s” is a damaged image.") % {"name": upload.name}, code="damaged"
            ) from None
    elif b"%EOF" not in content[-2048:]:
        raise ValidationError(
            _("“%(name)s” is an incomplete PDF file.") % {"name": upload.name}, code="damaged"
        )
    return {
        "content_type": mime,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
