"""Reading and validating a graduating cohort's roster (CSV or XLSX).

Rows are validated one by one; an invalid row is reported with its row number,
column and reason, and never stops the valid rows. Nothing here writes.
"""

import csv
import datetime
import decimal
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from core.validators import (
    DOCUMENTS_WITH_SEX,
    id_number_gender,
    normalise_credit_code,
    normalise_id_number,
    validate_credit_code,
    validate_document,
    validate_mobile,
)

from .models import (
    EducationLevel,
    Ethnicity,
    Gender,
    IdDocument,
    OriginKind,
    PoliticalStatus,
    Region,
    StudyForm,
    TrainingMode,
)
from .reference_data import POLITICAL_SHORT_NAMES

# (field, header in the file, required)
COLUMNS = [
    ("student_no", "学号", True),
    ("name", "姓名", True),
    ("gender", "性别", True),
    ("id_number", "身份证号", True),
    ("education_level", "学历层次", True),
    ("college", "院系", True),
    ("major_code", "专业代码", False),
    ("major_name", "专业名称", True),
    ("origin_region", "生源地代码", False),
    ("enrolled_on", "入学年月", False),
    ("graduation_date", "毕业日期", False),
    ("training_mode", "培养方式", False),
    ("targeted_employer_name", "定向单位", False),
    ("targeted_credit_code", "定向单位统一社会信用代码", False),
    ("targeted_region", "定向地区代码", False),
    ("agreement_no", "协议编号", False),
    ("is_incomplete", "结业生", False),
    ("mobile", "手机号码", False),
    ("id_type", "证件类型", False),  # 居民身份证 when left empty
    ("ethnicity", "民族", False),
    ("political_status", "政治面貌", False),
    ("origin_kind", "城乡生源", False),
    ("major_direction", "专业方向", False),
    ("study_form", "学习形式", False),
    ("schooling_years", "学制", False),
    ("commissioning_employer", "委培单位", False),
    ("exam_no", "考生号", False),
]
# The national system's header names (and common variants) for the same columns.
HEADER_ALIASES = {
    "院系名称": "college",
    "学院": "college",
    "学院名称": "college",
    "所在院系": "college",
    "专业": "major_name",
    "专业名": "major_name",
    "生源所在地代码": "origin_region",
    "生源地区代码": "origin_region",
    "学历": "education_level",
    "学历层次名称": "education_level",
    "学历代码": "education_level",
    "学历层次代码": "education_level",
    "身份证件类型": "id_type",
    "证件号": "id_number",
    "身份证件号": "id_number",
    "身份证件号码": "id_number",
    "身份证号码": "id_number",
    "证件号码": "id_number",
    "学生姓名": "name",
    "入学时间": "enrolled_on",
    "毕业时间": "graduation_date",
    "手机号": "mobile",
    "是否结业": "is_incomplete",
    "民族名称": "ethnicity",
    "民族代码": "ethnicity",
    "政治面貌代码": "political_status",
    "城乡生源地": "origin_kind",
    "学习形式名称": "study_form",
    "学制（年）": "schooling_years",
    "委托培养单位": "commissioning_employer",
    "高考考生号": "exam_no",
}
HEADER_TO_FIELD = {header: name for name, header, _required in COLUMNS} | HEADER_ALIASES
FIELD_TO_HEADER = {name: header for name, header, _required in COLUMNS}

SAMPLE_ROW = [
    "2026010001",
    "李红",
    "女",
    "11010520031231018X",
    "本科",
    "计算机学院",
    "080901",
    "计算机科学与技术",
    "110100",
    "2022-09",
    "2026-06-30",
    "非定向",
    "",
    "",
    "",
    "",
    "否",
    "13800138000",
    "居民身份证",
    "汉族",
    "共青团员",
    "城镇",
    "",
    "全日制",
    "4",
    "",
    "22110101150001",
]


class RosterFileError(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    values: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def template_xlsx() -> bytes:
    """The roster template to download: the headers and one sample row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "roster"
    sheet.append([header for _name, header, _required in COLUMNS])
    sheet.append(SAMPLE_ROW)
    for cell in sheet[1]:
        cell.number_format = "@"
    for column in sheet.columns:
        for cell in column:
            cell.number_format = "@"  # text, so ID numbers keep all 18 digits
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for _name, header, _required in COLUMNS])
    writer.writerow(SAMPLE_ROW)
    return buffer.getvalue().encode("utf-8-sig")


def read_table(filename: str, content: bytes) -> list[list]:
    """The rows of an uploaded CSV or XLSX file, header first."""
    name = filename.lower()
    if content[:2] == b"PK" or name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise RosterFileError(_("The file is not a readable XLSX workbook.")) from exc
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if name.endswith(".csv") or name.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            return list(csv.reader(io.StringIO(text)))
        raise RosterFileError(_("The CSV file is neither UTF-8 nor GB18030 encoded."))
    raise RosterFileError(_("Upload a CSV or XLSX file."))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(text: str, *, month_only: bool = False) -> datetime.date:
    text = text.replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-?(\d{1,2})(?:-?(\d{1,2}))?", text)
    if not match:
        raise ValueError
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    if month_only:
        day = 1
    return datetime.date(year, month, day)


# 学历层次 by the labels rosters write, and by GB/T 4658's 学历 codes (毕业 and 结业).
_LEVEL_NAMES = {
    EducationLevel.JUNIOR_COLLEGE: (
        "专科",
        "大专",
        "高职",
        "高职（专科）",
        "专科（高职）",
        "大学专科",
        "31",
        "32",
    ),
    EducationLevel.BACHELOR: ("本科", "普通本科", "大学本科", "21", "22"),
    EducationLevel.MASTER: ("硕士", "硕士研究生", "硕士研究生毕业", "14", "15"),
    EducationLevel.DOCTOR: ("博士", "博士研究生", "博士研究生毕业", "11", "12"),
    EducationLevel.SECOND_BACHELOR: ("第二学士学位", "第二学士"),
}
_CHOICE_LOOKUP = {
    "gender": {str(label): value for value, label in Gender.choices},
    "education_level": {name: level for level, names in _LEVEL_NAMES.items() for name in names},
    "training_mode": {str(label): value for value, label in TrainingMode.choices},
    "id_type": {str(label): value for value, label in IdDocument.choices},
    "origin_kind": {str(label): value for value, label in OriginKind.choices},
    "study_form": {str(label): value for value, label in StudyForm.choices}
    | {"普通全日制": StudyForm.FULL_TIME, "非全": StudyForm.PART_TIME},
}


_HALF_YEAR = decimal.Decimal("0.1")


def _by_code_and_name(rows, aliases=None) -> dict[str, int]:
    """A code table's primary keys by code and by name (and by ``aliases``: name -> code)."""
    out = {}
    for pk, code, name in rows:
        out[code] = out[name] = pk
    for alias, code in (aliases or {}).items():
        if code in out:
            out[alias] = out[code]
    return out


class RosterValidator:
    """Validates rows against one university's colleges and the region table; with the
    ``cohort`` they are for, an ID number's birth date must also make a plausible graduate
    of that year."""

    def __init__(self, *, university, cohort: int | None = None):
        self.university = university
        self.cohort = cohort
        self.unused: list[str] = []  # the file's columns that no field reads
        self.ethnicities = _by_code_and_name(Ethnicity.objects.values_list("pk", "code", "name"))
        self.political = _by_code_and_name(
            PoliticalStatus.objects.values_list("pk", "code", "name"),
            aliases=POLITICAL_SHORT_NAMES,
        )
        colleges = list(university.colleges.all())
        self.colleges = {c.name: c for c in colleges} | {c.code: c for c in colleges}
        self.regions = dict(Region.objects.values_list("code", "id"))

    def header_map(self, header: list) -> dict[int, str]:
        """Which column holds which field, by the template's header names or the national
        system's; the columns it does not use are kept in ``unused`` for the report."""
        mapping = {}
        self.unused = []
        for index, cell in enumerate(header):
            text = re.sub(r"\s+", "", _text(cell))
            name = HEADER_TO_FIELD.get(text)
            if name and name not in mapping.values():
                mapping[index] = name
            elif text:
                self.unused.append(text)
        missing = [
            header
            for name, header, required in COLUMNS
            if required and name not in mapping.values()
        ]
        if missing:
            raise RosterFileError(
                _("The file lacks the required columns: %(cols)s. Download the template.")
                % {"cols": "、".join(missing)}
            )
        return mapping

    def parse(self, table: list[list]) -> list[ParsedRow]:
        if not table:
            raise RosterFileError(_("The file is empty."))
        mapping = self.header_map(table[0])
        parsed, seen_numbers, seen_ids = [], {}, {}
        for offset, raw in enumerate(table[1:], start=2):
            cells = {name: _text(raw[i]) if i < len(raw) else "" for i, name in mapping.items()}
            if not any(cells.values()):
                continue  # blank line
            row = self.validate(offset, cells)
            for name, seen in (("student_no", seen_numbers), ("id_number", seen_ids)):
                value = row.values.get(name)
                if value and value in seen:
                    message = _("Duplicate of row %(row)d in this file.") % {"row": seen[value]}
                    row.errors.append(RowError(offset, FIELD_TO_HEADER[name], message))
                elif value:
                    seen[value] = offset
            parsed.append(row)
        return parsed

    def national_fields(self, cells: dict, values: dict, error) -> None:
        """民族 and 政治面貌 by code or name, and the plain fields of the national roster; a
        field whose column the file does not have is left as it is."""
        for name, lookup in (("ethnicity", self.ethnicities), ("political_status", self.political)):
            text = cells.get(name, "")
            if text:
                if text in lookup:
                    values[name + "_id"] = lookup[text]
                else:
                    error(name, _("“%(value)s” is not in the code table.") % {"value": text})
        for name, length in (("major_direction", 100), ("commissioning_employer", 100)):
            if name in cells:
                values[name] = cells[name][:length]
        years = cells.get("schooling_years", "")
        if years:
            try:
                value = decimal.Decimal(years)
            except decimal.InvalidOperation:
                value = None
            if value is None or not (1 <= value <= 10) or value != value.quantize(_HALF_YEAR):
                error("schooling_years", _("Write the years of study, such as 4 or 2.5."))
            else:
                values["schooling_years"] = value
        exam_no = cells.get("exam_no", "")
        if exam_no and not re.fullmatch(r"[0-9A-Za-z]{1,20}", exam_no):
            error("exam_no", _("An examinee number has up to 20 digits or letters."))
        elif "exam_no" in cells:
            values["exam_no"] = exam_no

    def validate(self, row_no: int, cells: dict) -> ParsedRow:
        row = ParsedRow(row=row_no)
        values = row.values

        def error(name, message):
            row.errors.append(RowError(row_no, FIELD_TO_HEADER[name], str(message)))

        def checked(name, normalise, validate) -> str:
            """The cell ``name`` normalised, kept if it is valid (else its error): the
            valid value, or ""."""
            value = normalise(cells.get(name, ""))
            if not value:
                return ""
            try:
                validate(value)
            except ValidationError as exc:
                error(name, exc.messages[0])
                return ""
            values[name] = value
            return value

        for name, _header, required in COLUMNS:
            if required and not cells.get(name):
                error(name, _("This column is required."))

        number = cells.get("student_no", "")
        if number and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", number):
            error(
                "student_no",
                _("A student number has 1–32 letters, digits, hyphens or underscores."),
            )
        elif number:
            values["student_no"] = number
        if cells.get("name"):
            values["name"] = cells["name"][:50]
        for name in (
            "gender",
            "education_level",
            "training_mode",
            "id_type",
            "origin_kind",
            "study_form",
        ):
            text = cells.get(name, "")
            if not text:
                continue
            value = _CHOICE_LOOKUP[name].get(text)
            if value is None:
                allowed = "、".join(k for k in _CHOICE_LOOKUP[name] if not k.isdigit())
                error(
                    name,
                    _("“%(value)s” is not one of: %(allowed)s.")
                    % {"value": text, "allowed": allowed},
                )
            else:
                values[name] = value
        id_type = values.get("id_type", IdDocument.RESIDENT_ID)
        id_number = checked(
            "id_number",
            normalise_id_number,
            lambda value: validate_document(id_type, value, cohort=self.cohort),
        )
        if (
            id_number
            and id_type in DOCUMENTS_WITH_SEX
            and values.get("gender")
            and id_number_gender(id_number) != values["gender"]
        ):
            error("gender", _("The gender does not match the ID number."))
        college = cells.get("college", "")
        if college:
            if college in self.colleges:
                values["college"] = self.colleges[college]
            else:
                error(
                    "college",
                    _(
                        "No college “%(name)s” in this university; add it in the admin or check the spelling."
                    )
                    % {"name": college},
                )
        self.national_fields(cells, values, error)
        values["major_code"] = cells.get("major_code", "")[:16]
        if cells.get("major_name"):
            values["major_name"] = cells["major_name"][:100]
        for name in ("origin_region", "targeted_region"):
            code = cells.get(name, "")
            if code:
                if code in self.regions:
                    values[name + "_id"] = self.regions[code]
                else:
                    error(name, _("“%(code)s” is not a GB/T 2260 region code.") % {"code": code})
        for name, month_only in (("enrolled_on", True), ("graduation_date", False)):
            text = cells.get(name, "")
            if text:
                try:
                    values[name] = _parse_date(text, month_only=month_only)
                except ValueError:
                    error(
                        name,
                        _("“%(value)s” is not a date (use YYYY-MM-DD, or YYYY-MM for a month).")
                        % {"value": text},
                    )
        values.setdefault("training_mode", TrainingMode.NON_TARGETED)
        credit = normalise_credit_code(cells.get("targeted_credit_code", ""))
        checked("targeted_credit_code", normalise_credit_code, validate_credit_code)
        values["targeted_employer_name"] = cells.get("targeted_employer_name", "")[:100]
        values["agreement_no"] = cells.get("agreement_no", "")[:50]
        if values["training_mode"] != TrainingMode.NON_TARGETED:
            if not values["agreement_no"]:
                error(
                    "agreement_no",
                    _("A targeted or commissioned graduate needs the agreement number."),
                )
            if not (credit or cells.get("targeted_region")):
                error(
                    "targeted_credit_code",
                    _("A targeted agreement names an employer (credit code) or a region."),
                )
        incomplete = cells.get("is_incomplete", "")
        if incomplete in ("", "否", "0", "N", "n"):
            values["is_incomplete"] = False
        elif incomplete in ("是", "1", "Y", "y"):
            values["is_incomplete"] = True
        else:
            error("is_incomplete", _("Write 是 or 否."))
        mobile = cells.get("mobile", "")
        if mobile:
            try:
                validate_mobile(mobile)
            except ValidationError as exc:
                error("mobile", exc.messages[0])
            else:
                values["mobile"] = mobile
        else:
            values["mobile"] = ""
        return row
