"""Direct counts from the cases, to hold the dashboards against."""

from cases.figures import ROW_FIELDS, Figures
from cases.models import Graduate
from cases.tallies import tallies_direct

KEYS = (
    "cohort",
    "province_id",
    "university_id",
    "college_id",
    *ROW_FIELDS,
)


def direct_figures(graduates=None) -> Figures:
    """Figures counted straight from the cases (not from any tally)."""
    figures = Figures()
    for key, (n, late) in tallies_direct(graduates or Graduate.objects.all()).items():
        figures.add({**dict(zip(KEYS, key, strict=True)), "n": n, "late": late})
    return figures
