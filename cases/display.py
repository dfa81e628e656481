"""How case values are shown: readable field values and version comparison."""

import datetime

from django.utils.translation import gettext as _

from .models import RegistrationVersion


def display_value(obj, field_name: str):
    """A JSON-friendly, human-readable value of one field, as shown and as kept in the history."""
    field = obj._meta.get_field(field_name)
    if field.is_relation:
        related = getattr(obj, field_name)
        return str(related) if related is not None else None
    value = getattr(obj, field_name)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return value


# What a verifier needs of the destination: where the graduate went, not the contract.
VERIFIER_DESTINATION_FIELDS = (
    "category",
    "employer_name",
    "employer_region",
    "study_institution",
    "foreign_institution",
)


def versions_compare(current, previous, model=RegistrationVersion, fields=None) -> list[dict]:
    """Rows of (label, current, previous, changed) over a versioned model's content fields
    (a registration by default, or archive/hukou details), or over ``fields``."""
    rows = []
    for name in fields or model.CONTENT_FIELDS:
        label = model._meta.get_field(name).verbose_name
        now = display_value(current, name) if current else None
        before = display_value(previous, name) if previous else None
        if now in (None, "") and before in (None, ""):
            continue
        rows.append(
            {
                "label": label,
                "current": now,
                "previous": before,
                "changed": previous is not None and now != before,
            }
        )
    return rows
