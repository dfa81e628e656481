"""Tables shown on the pages and exported to XLSX from the same rows: what the page shows
is what the spreadsheet holds (rates as fractions there, as percentages on the page)."""

from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.xlsx import xlsx_response

from .figures import COLUMNS, Figures, cells


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


RATE_COLUMNS = {i + 1 for i, (_h, _n, is_rate) in enumerate(COLUMNS) if is_rate}


def figures_table(
    key: str, title: str, first: str, groups: list[tuple[str, str, Figures]], total=None
) -> Table:
    """Rows of figures (label, link, figures each), with the standard columns."""
    table = Table(key=key, title=title, headers=[first, *(h for h, _n, _r in COLUMNS)], testid=key)
    for label, url, figures in groups:
        table.append([label, *cells(figures)], url=url, rates=RATE_COLUMNS)
    if total is not None:
        table.total = [
            Cell(value, rate=i in RATE_COLUMNS) for i, value in enumerate(["合计", *cells(total)])
        ]
    return table


def category_table(key: str, title: str, categories: list, total: int) -> Table:
    table = Table(
        key=key,
        title=title,
        headers=["毕业去向代码", "毕业去向", "类别", "人数", "占已登记人数比例"],
        testid=key,
    )
    for code, name, klass, n in categories:
        table.append([code, name, klass, n, round(n / total, 4) if total else ""], rates={4})
    return table


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
