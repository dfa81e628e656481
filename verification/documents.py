"""The registration information form (毕业去向登记信息表): its data, the QR image, the PDF."""

import base64
import io

import qrcode
from django.template.loader import render_to_string
from django.utils import timezone

from cases.display import versions_compare
from cases.models import TransferDetails
from core.masking import mask_id_number

from . import numbers
from .models import Confirmation
from .services import qr_url


def qr_png(data: str) -> bytes:
    image = qrcode.make(
        data, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def form_context(confirmation: Confirmation) -> dict:
    graduate = confirmation.graduate
    url = qr_url(confirmation)
    return {
        "confirmation": confirmation,
        "graduate": graduate,
        "masked_id": mask_id_number(graduate.id_number),
        "destination": versions_compare(confirmation.registration, None),
        "transfer": versions_compare(confirmation.transfer, None, model=TransferDetails),
        "verification_no": numbers.grouped(confirmation.verification_no),
        "qr_url": url,
        "qr_data_uri": "data:image/png;base64," + base64.b64encode(qr_png(url)).decode(),
        "printed_at": timezone.localtime(),
    }


def form_pdf(confirmation: Confirmation) -> bytes:
    """The form as a PDF with the CJK font embedded, so it prints the same anywhere."""
    # Imported when a form is printed: loading WeasyPrint (and Pango) would cost every
    # process, also those that never print one.
    from weasyprint import HTML

    html = render_to_string("verification/form_pdf.html", form_context(confirmation))
    return HTML(string=html).write_pdf()
