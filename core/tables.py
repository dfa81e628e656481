"""Tables shown on the pages and exported to XLSX from the same rows: what the page shows
is what the spreadsheet holds (rates as fractions there, as percentages on the page). The
tables of figures are built in ``cases.figures``."""

from dataclasses import dataclass, field

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.xlsx import xlsx_response


def pct(value, digits: int = 1) -> str:
    """A rate (0…1) as a percentage, or a dash when there is nothing to divide."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@dataclass
class Cell:
    value: object
    rate: bool = False
    url: str = ""

    @property
    def numeric(self) -> bool:
        return self.rate or (
            isinstance(self.value, int | float) and not isinstance(self.value, bool)
        )

    def html(self, *, first: bool) -> SafeString:
        """The cell as a ``<th>`` (the row's label, linked when it has a URL) or a ``<td>``.
        Built here rather than in the template: a dashboard has hundreds of cells, and the
        template language would spend most of the page's time on them."""
        if first:
            if self.url:
                return format_html('<th><a href="{}">{}</a></th>', self.url, self.value)
            return format_html("<th>{}</th>", self.value)
        if self.rate:
            return mark_safe(f'<td class="num">{pct(self.value)}</td>')
        if self.numeric:  # an int or a float: nothing to escape
            return mark_safe(f'<td class="num">{self.value}</td>')
        return format_html("<td>{}</td>", self.value)


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None
    testid: str = ""

    def __post_init__(self):
        self.headers = [str(h) for h in self.headers]

    def append(self, values: list, *, url: str = "", rates=()) -> None:
        self.rows.append(
            [
                Cell(
                    str(value) if isinstance(value, Promise) else value,
                    rate=i in rates,
                    url=url if i == 0 else "",
                )
                for i, value in enumerate(values)
            ]
        )

    @property
    def header_cells(self) -> list[tuple[str, bool]]:
        """The headers, each with whether its column holds figures (aligned right)."""
        numeric = [False] * len(self.headers)
        for row in [*self.rows, *([self.total] if self.total else [])]:
            for i, cell in enumerate(row):
                numeric[i] = numeric[i] or (i > 0 and cell.numeric)
        return list(zip(self.headers, numeric, strict=True))

    def _row_html(self, row: list[Cell], css: str = "") -> SafeString:
        cells = "".join(cell.html(first=i == 0) for i, cell in enumerate(row))
        return mark_safe(f'<tr class="{css}">{cells}</tr>' if css else f"<tr>{cells}</tr>")

    @property
    def rows_html(self) -> list[SafeString]:
        """The body's rows, then the total row, as HTML (every value escaped)."""
        rows = [self._row_html(row) for row in self.rows]
        if self.total:
            rows.append(self._row_html(self.total, "total"))
        return rows

    def export_rows(self) -> list[list]:
        rows = [[cell.value for cell in row] for row in self.rows]
        if self.total:
            rows.append([cell.value for cell in self.total])
        return rows


def export(request, tables: list[Table], *, filename: str) -> HttpResponse | None:
    """The XLSX of the table named by ``?table=`` when ``?format=xlsx``; else None."""
    if request.GET.get("format") != "xlsx":
        return None
    wanted = request.GET.get("table", "")
    for table in tables:
        if table.key == wanted:
            return xlsx_response(
                filename=f"{filename}-{table.key}.xlsx",
                title=table.title,
                headers=table.headers,
                rows=table.export_rows(),
            )
    return None


def table_page(request, template: str, context: dict, *, tables, filename: str) -> HttpResponse:
    """The page, or the XLSX of one of its ``tables`` when asked (see ``export``)."""
    return export(request, tables, filename=filename) or render(request, template, context)


def local_time(value) -> str:
    """A moment as a table shows it: local time, to the minute (blank for none)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
