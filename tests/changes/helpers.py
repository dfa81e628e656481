"""Evidence files, change requests and targeted checks, done through the real services."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from processes.changes import services as changes
from processes.targeted import services as targeted_services

from ..workflows.helpers import employment_values, open_task


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name="agreement.pdf", content=None, content_type="application/pdf"):
    return SimpleUploadedFile(
        name, content if content is not None else pdf_bytes(), content_type=content_type
    )


def request_change(graduate, reason, **overrides):
    """The graduate asks to change their registration to ``employment_values(**overrides)``."""
    return changes.change_request_submit(
        graduate=graduate,
        user=graduate.user,
        kind="change",
        values=employment_values(**overrides),
        reason=reason,
    )


def request_void(graduate, reason):
    """The graduate asks to void their registration."""
    return changes.change_request_submit(
        graduate=graduate, user=graduate.user, kind="void", values=None, reason=reason
    )


def correct_late(graduate, supervisor, reason, **overrides):
    """After the deadline, the university records a correction to ``employment_values(**overrides)``."""
    return changes.late_correction_submit(
        graduate=graduate, user=supervisor, values=employment_values(**overrides), reason=reason
    )


def decide_change(graduate, user, *, approve=True, reason="", kind="change_university_audit"):
    """Decide the graduate's open change audit (the university's unless ``kind`` says)."""
    task = open_task(graduate, kind)
    changes.change_audit_decide(task_id=task.pk, user=user, approve=approve, reason=reason)
    return task


def decide_targeted(graduate, user, *, approve, reason, uploads=()):
    """Decide the graduate's open targeted-enrolment check."""
    task = open_task(graduate, "targeted_check")
    targeted_services.targeted_decide(
        task_id=task.pk, user=user, approve=approve, reason=reason, uploads=uploads
    )
    return task
