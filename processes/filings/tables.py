"""The tables of filing and report pages: versions, and a version's figures."""

from django.utils.translation import gettext as _

from cases.figures import Figures, category_rows, category_table, figures_table
from cases.models import EducationLevel
from core.tables import Table, local_time
from roles.models import University

from . import selectors


def versions_table(versions) -> Table:
    table = Table(
        key="versions",
        title=_("Versions"),
        headers=[
            _("Version"),
            _("Submitted"),
            _("Graduates"),
            _("Outcome"),
            _("Decided"),
            _("Issues / reason"),
            _("Remarks (optional)"),
        ],
    )
    for v in versions:
        table.append(
            [
                v.number,
                local_time(v.submitted_at),
                v.total,
                v.get_status_display(),
                local_time(v.decided_at),
                getattr(v, "issues", "") or getattr(v, "reason", ""),
                v.note,
            ]
        )
    return table


def version_tables(version, *, prefix: str, university=None) -> tuple[list[Table], Figures]:
    data = selectors.filing_figures(version)
    colleges = {c.pk: c.name for c in (university.colleges.all() if university else [])}
    groups = [
        (colleges.get(pk, str(pk)), "", f)
        for pk, f in sorted(data.groups.items(), key=lambda item: colleges.get(item[0], ""))
    ]
    levels = dict(EducationLevel.choices)
    return [
        figures_table(f"{prefix}colleges", _("By college"), _("College"), groups, data.total),
        figures_table(
            f"{prefix}levels",
            _("By education level"),
            _("Education level"),
            [(levels.get(k, k), "", f) for k, f in sorted(data.levels.items())],
            data.total,
        ),
        category_table(
            f"{prefix}categories",
            _("By destination category"),
            category_rows(data.total, version.filing.cohort),
            data.total.approved,
        ),
    ], data.total


def report_table(version, *, key="universities") -> tuple[Table, Figures]:
    data = selectors.report_figures(version)
    names = {u.pk: u for u in University.objects.filter(pk__in=list(data.groups)).order_by("code")}
    groups = [
        (str(names[pk]), "", f)
        for pk, f in sorted(data.groups.items(), key=lambda item: names[item[0]].code)
    ]
    return (
        figures_table(key, _("By university"), _("University"), groups, data.total),
        data.total,
    )
