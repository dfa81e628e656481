"""The per-graduate destination file in the national column set: one row per graduate of a
university's cohort (or of a province's), with codes and names side by side.

The roster columns carry the roster's own headers and forms, and the destination columns
carry those of ``import_reported`` (``cases.reported_files``). So the file reads back as a
roster plus reported destinations: what a province hands on is what another system can
load. The workbook is written in openpyxl's write-only mode from a server-side cursor, to
a temporary file that the response streams: memory stays flat whatever the number of rows.
"""

import tempfile

from django.db.models import QuerySet
from openpyxl import Workbook

from .models import (
    CaseStatus,
    EducationLevel,
    Gender,
    Graduate,
    IdDocument,
    OriginKind,
    StudyForm,
    TrainingMode,
)
from .roster_files import COLUMNS as ROSTER_COLUMNS
from .selectors import RECORD_RELATIONS


def _date(value) -> str:
    return value.isoformat() if value else ""


def _month(value) -> str:
    return value.strftime("%Y-%m") if value else ""


def _code(obj) -> str:
    return obj.code if obj is not None else ""


def _name(obj, attribute: str = "name") -> str:
    return getattr(obj, attribute) if obj is not None else ""


def _years(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _label(choices):
    """A choice's label by its value (the labels translated once, not once a cell)."""
    labels = None

    def label(value) -> str:
        nonlocal labels
        if labels is None:
            labels = {key: str(text) for key, text in choices.choices}
        return labels.get(value, "")

    return label


_GENDER, _LEVEL, _TRAINING = _label(Gender), _label(EducationLevel), _label(TrainingMode)
_ID_TYPE, _ORIGIN, _FORM, _STATUS = (
    _label(IdDocument),
    _label(OriginKind),
    _label(StudyForm),
    _label(CaseStatus),
)

# The roster's columns, as the roster import reads them back (its header, the value).
ROSTER_CELLS = {
    "student_no": lambda g: g.student_no,
    "name": lambda g: g.name,
    "gender": lambda g: _GENDER(g.gender),
    "id_number": lambda g: g.id_number,
    "education_level": lambda g: _LEVEL(g.education_level),
    "college": lambda g: g.college.name,
    "major_code": lambda g: g.major_code,
    "major_name": lambda g: g.major_name,
    "origin_region": lambda g: _code(g.origin_region),
    "enrolled_on": lambda g: _month(g.enrolled_on),
    "graduation_date": lambda g: _date(g.graduation_date),
    "training_mode": lambda g: _TRAINING(g.training_mode),
    "targeted_employer_name": lambda g: g.targeted_employer_name,
    "targeted_credit_code": lambda g: g.targeted_credit_code,
    "targeted_region": lambda g: _code(g.targeted_region),
    "agreement_no": lambda g: g.agreement_no,
    "is_incomplete": lambda g: "是" if g.is_incomplete else "否",
    "mobile": lambda g: g.mobile,
    "id_type": lambda g: _ID_TYPE(g.id_type),
    "ethnicity": lambda g: _name(g.ethnicity),
    "political_status": lambda g: _name(g.political_status),
    "origin_kind": lambda g: _ORIGIN(g.origin_kind),
    "major_direction": lambda g: g.major_direction,
    "study_form": lambda g: _FORM(g.study_form),
    "schooling_years": lambda g: _years(g.schooling_years),
    "commissioning_employer": lambda g: g.commissioning_employer,
    "exam_no": lambda g: g.exam_no,
}


def _approved(g):
    """The registration in effect, if it is approved (a reported destination)."""
    version = g.current_registration
    return version if version is not None and g.status == CaseStatus.APPROVED else None


def _of(attribute, read=lambda value: value or ""):
    """A destination cell: ``read`` of the approved registration's ``attribute``, else blank."""

    def cell(g):
        version = _approved(g)
        return read(getattr(version, attribute)) if version is not None else ""

    return cell


# The names beside the roster's codes, then the destination, codes and names side by side.
EXTRA_CELLS = [
    ("学校代码", lambda g: g.university.code),
    ("学校名称", lambda g: g.university.name),
    ("民族代码", lambda g: _code(g.ethnicity)),
    ("政治面貌代码", lambda g: _code(g.political_status)),
    ("生源地名称", lambda g: _name(g.origin_region, "full_name")),
    ("登记状态", lambda g: _STATUS(g.status)),
    ("毕业去向代码", _of("category", _code)),
    ("毕业去向名称", _of("category", _name)),
    ("单位名称", _of("employer_name")),
    ("统一社会信用代码", _of("employer_credit_code")),
    ("单位性质代码", _of("employer_nature", _code)),
    ("单位性质名称", _of("employer_nature", _name)),
    ("单位行业代码", _of("employer_industry", _code)),
    ("单位行业名称", _of("employer_industry", _name)),
    ("单位所在地代码", _of("employer_region", _code)),
    ("单位所在地名称", _of("employer_region", lambda r: _name(r, "full_name"))),
    ("单位地址", _of("employer_address")),
    ("工作职位类别代码", _of("job_category", _code)),
    ("工作职位类别名称", _of("job_category", _name)),
    ("签约日期", _of("signed_on", _date)),
    ("升学院校", _of("study_institution")),
    ("留学院校外文名称", _of("foreign_institution")),
    ("确认去向", lambda g: "是" if g.confirmed_at else "否"),
]
HEADERS = [header for _name, header, _r in ROSTER_COLUMNS] + [h for h, _c in EXTRA_CELLS]


def national_rows(graduates: QuerySet[Graduate]):
    """The file's rows, read in chunks through a server-side cursor."""
    cells = [ROSTER_CELLS[name] for name, _h, _r in ROSTER_COLUMNS] + [c for _h, c in EXTRA_CELLS]
    queryset = graduates.select_related("university", *RECORD_RELATIONS).order_by(
        "university__code", "student_no"
    )
    for graduate in queryset.iterator(chunk_size=2000):
        # an empty cell is left out of the sheet (None), not written as an empty string
        yield [cell(graduate) or None for cell in cells]


def national_file(graduates: QuerySet[Graduate]):
    """The workbook of ``graduates`` written to a temporary file, rewound: the caller streams
    it and closing it deletes it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="毕业去向")
    sheet.append(HEADERS)
    for row in national_rows(graduates):
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
