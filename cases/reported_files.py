"""Destinations a province already reported (``import_reported``): a file of 学号 and the
destination's codes, such as the national file (``cases.national_file``)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.validators import normalise_credit_code, validate_credit_code

from .models import EmployerNature, Industry, JobCategory, Region
from .roster_files import RosterFileError, RowError, _parse_date, _text
from .selectors import categories_for_cohort

REPORTED_COLUMNS = [
    ("student_no", "学号", True),
    ("category", "毕业去向代码", True),
    ("employer_name", "单位名称", False),
    ("employer_credit_code", "统一社会信用代码", False),
    ("employer_nature", "单位性质代码", False),
    ("employer_industry", "单位行业代码", False),
    ("employer_region", "单位所在地代码", False),
    ("job_category", "工作职位类别代码", False),
    ("signed_on", "签约日期", False),
    ("study_institution", "升学院校", False),
    ("foreign_institution", "留学院校外文名称", False),
]


def parse_reported(table: list[list], *, cohort: int) -> tuple[list[dict], list[RowError]]:
    """Rows of reported destinations: ({"row", "student_no", "values"}, errors). Codes are
    resolved against the code tables; the category's required fields are checked later,
    by the model, when the version is written."""
    if not table:
        raise RosterFileError(_("The file is empty."))
    headers = {_text(cell): i for i, cell in enumerate(table[0])}
    missing = [h for _n, h, required in REPORTED_COLUMNS if required and h not in headers]
    if missing:
        raise RosterFileError(
            _("The file lacks the required columns: %(cols)s. Download the template.")
            % {"cols": "、".join(missing)}
        )
    lookups = {
        "category": {c.code: c for c in categories_for_cohort(cohort)},
        "employer_nature": {c.code: c for c in EmployerNature.objects.all()},
        "employer_industry": {c.code: c for c in Industry.objects.all()},
        "employer_region": {c.code: c for c in Region.places()},
        "job_category": {c.code: c for c in JobCategory.objects.all()},
    }
    rows, errors = [], []
    # The national file (``cases.national_file``) lists every graduate, with their
    # registration state: one without an approved destination reports none.
    national = "登记状态" in headers
    for number, raw in enumerate(table[1:], start=2):
        cells = {
            name: _text(raw[headers[h]]) if h in headers and headers[h] < len(raw) else ""
            for name, h, _r in REPORTED_COLUMNS
        }
        if not any(cells.values()) or (national and not cells["category"]):
            continue
        values, problems = {}, []
        for name, header, required in REPORTED_COLUMNS[1:]:
            text = cells[name]
            if not text:
                if required:
                    problems.append(RowError(number, header, _("This column is required.")))
                continue
            if name in lookups:
                if text not in lookups[name]:
                    problems.append(
                        RowError(
                            number, header, _("“%(value)s” is not a known code.") % {"value": text}
                        )
                    )
                else:
                    values[name] = lookups[name][text]
            elif name == "signed_on":
                try:
                    values[name] = _parse_date(text)
                except ValueError:
                    problems.append(
                        RowError(
                            number,
                            header,
                            _("“%(value)s” is not a date (use YYYY-MM-DD, or YYYY-MM for a month).")
                            % {"value": text},
                        )
                    )
            elif name == "employer_credit_code":
                code = normalise_credit_code(text)
                try:
                    validate_credit_code(code)
                except ValidationError as exc:
                    problems.append(RowError(number, header, exc.messages[0]))
                else:
                    values[name] = code
            else:
                values[name] = text
        if not cells["student_no"]:
            problems.append(RowError(number, "学号", _("This column is required.")))
        if problems:
            errors.extend(problems)
        else:
            rows.append({"row": number, "student_no": cells["student_no"], "values": values})
    return rows, errors
