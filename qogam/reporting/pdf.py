"""The receipt of a filing as a PDF (WeasyPrint). Fines depend on timeliness (DOMAIN §3), so the
receipt carries what proves it: number, time in Asia/Almaty, content hash and receiving body."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone

ALMATY = ZoneInfo("Asia/Almaty")


def receipt_context(version, *, verification_url: str) -> dict:
    """What a receipt shows, for the receipt page and the PDF alike."""
    report = version.report
    organisation = report.organisation
    submitted_at = timezone.localtime(version.submitted_at, ALMATY)
    return {
        "version": version,
        "report": report,
        "organisation": organisation,
        "receipt_number": version.receipt_number,
        "submitted_at": submitted_at,
        "utc_offset": submitted_at.strftime("%z")[:3] + ":" + submitted_at.strftime("%z")[3:],
        "kind_label": version.get_kind_display(),
        "content_hash": version.content_hash,
        "receiving_body": version.receiving_body,
        "late": version.late,
        "due_on": report.due_on,
        "verification_url": verification_url,
    }


def receipt_html(version, *, verification_url: str) -> str:
    return render_to_string("reporting/receipt_pdf.html", receipt_context(version, verification_url=verification_url))


def receipt_pdf(version, *, verification_url: str) -> bytes:
    """The receipt as PDF bytes, in the active language, set in DejaVu Sans (Kazakh letters included)."""
    from weasyprint import HTML

    return HTML(string=receipt_html(version, verification_url=verification_url)).write_pdf()
