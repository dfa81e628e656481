"""Spot-check campaigns launched through the real service."""

import datetime

from django.utils import timezone

from processes.spotchecks import services as spotchecks


def launch(monitor, inspectors, deadline=None, **overrides):
    """Launch a campaign over Beijing's 2026 cohort: four cases, due in a week unless told."""
    from roles.models import Province

    values = {
        "name": "2026届毕业去向核查",
        "province": Province.objects.get(code="110000"),
        "cohort": 2026,
        "universities": [],
        "size_mode": "count",
        "size_value": 4,
        "oversample_factor": 1,
        "deadline": deadline or timezone.localdate() + datetime.timedelta(days=7),
        "inspectors": inspectors,
    }
    values.update(overrides)
    return spotchecks.campaign_launch(actor=monitor, **values)
