"""Evidence uploaded for a case: checked, stored, and noted in the history."""

from django.db import transaction

from ..evidence import inspect_upload
from ..models import (
    CaseEvent,
    ChangeRequest,
    Evidence,
    Graduate,
)


@transaction.atomic
def evidence_store(
    *, graduate: Graduate, uploads: list, actor, change_request: ChangeRequest | None = None
) -> list[Evidence]:
    """Store checked uploads (see ``cases.evidence.inspect_upload``) for the case."""
    stored = []
    for upload in uploads:
        facts = inspect_upload(upload)
        evidence = Evidence(
            graduate=graduate,
            change_request=change_request,
            original_name=upload.name[:200],
            uploaded_by=actor,
            **facts,
        )
        evidence.file.save("upload", upload, save=False)
        evidence.save()
        stored.append(evidence)
        CaseEvent.objects.create(
            graduate=graduate,
            actor=actor,
            kind=CaseEvent.Kind.EVIDENCE_UPLOADED,
            note=evidence.original_name,
        )
    return stored
