"""XLSX exports: the one helper every table export uses."""

import io
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook


def xlsx_bytes(*, title: str, headers: list[str], rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(title=title, headers=headers, rows=rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response
