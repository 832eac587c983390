"""The receipt as a PDF (WeasyPrint): what it carries, in every language, and who may download it.

The PDF's text is read with `pdftotext` (poppler-utils) when installed, else with pypdf when
available; without either, the HTML the PDF is rendered from is checked instead."""

import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import translation

from qogam.reporting import pdf
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory
from tests.reporting.factories import representative, submitted

pytestmark = pytest.mark.pdf

YEAR = 2023
VERIFY = "https://qogam.example/en/reports/receipts/?number="


def pdf_text(data: bytes, tmp_path) -> str | None:
    """The text of a PDF, or None when no extractor is installed."""
    if shutil.which("pdftotext"):
        source = tmp_path / "receipt.pdf"
        source.write_bytes(data)
        return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(source), "-"], check=True,
                              capture_output=True).stdout.decode("utf-8")
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def filed(org, rep, committee, at):
    at(2024, 3, 29, 23, 30)  # 18:30 UTC: the date in Almaty is what counts
    return submitted(org, YEAR, user=rep)


def test_receipt_pdf_carries_the_proof_of_filing(filed, org, committee, tmp_path):
    report, version = filed
    url = VERIFY + version.receipt_number
    with translation.override("en"):
        data = pdf.receipt_pdf(version, verification_url=url)
        html = pdf.receipt_html(version, verification_url=url)
    assert data.startswith(b"%PDF")
    facts = [version.receipt_number, "29.03.2024 23:30:00", "Asia/Almaty", org.name_ru, org.bin, str(YEAR),
             "Report", version.content_hash, "Committee on Civil Society Affairs", committee.bin, "On time", url]
    text = pdf_text(data, tmp_path)
    if text is not None:
        flat = squeezed(text)
        for fact in facts:
            if fact == url:  # a long address may wrap
                assert fact in flat.replace(" ", ""), fact
            else:
                assert fact in flat, fact
    for fact in facts:
        assert fact in html.replace("&amp;", "&"), fact


def test_late_filing_says_so(org, rep, committee, at, tmp_path):
    at(2024, 4, 2, 9, 0)  # due 1 April 2024 (31 March was a Sunday)
    report, version = submitted(org, YEAR, user=rep)
    with translation.override("en"):
        data = pdf.receipt_pdf(version, verification_url=VERIFY + version.receipt_number)
        html = pdf.receipt_html(version, verification_url=VERIFY + version.receipt_number)
    assert "Late: filed after the due date" in html and "01.04.2024" in html
    text = pdf_text(data, tmp_path)
    if text is not None:
        assert "Late: filed after the due date" in squeezed(text)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_receipt_pdf_in_every_language(filed, tmp_path, language):
    report, version = filed
    with translation.override(language):
        data = pdf.receipt_pdf(version, verification_url=VERIFY + version.receipt_number)
        html = pdf.receipt_html(version, verification_url=VERIFY + version.receipt_number)
    assert data.startswith(b"%PDF") and f'lang="{language}"' in html
    assert "DejaVu Sans" in html
    text = pdf_text(data, tmp_path)
    if text is not None:
        assert version.receipt_number in text
        with translation.override(language):
            title, organisation = translation.gettext("Receipt of filing"), version.report.organisation.name
        # Cyrillic and Kazakh letters come out as text: the font is embedded, nothing is lost
        assert title in squeezed(text) and organisation in squeezed(text)


def test_receipt_times_are_in_almaty(filed):
    report, version = filed
    context = pdf.receipt_context(version, verification_url="x")
    assert context["submitted_at"].tzinfo == ZoneInfo("Asia/Almaty")
    assert context["utc_offset"] == "+05:00"


def test_download_of_the_receipt_pdf(client, filed, rep, tmp_path):
    report, version = filed
    login_verified(client, rep)
    response = client.get(f"/en/reports/versions/{version.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="receipt-{version.receipt_number}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    if text is not None:
        assert f"/en/reports/receipts/?number={version.receipt_number}" in squeezed(text).replace(" ", "")


def test_another_organisations_representative_gets_404(client, filed):
    report, version = filed
    login_verified(client, representative(OrganisationFactory()))
    assert client.get(f"/en/reports/versions/{version.pk}/receipt.pdf").status_code == 404


def test_authorised_body_downloads_any_receipt(client, filed, analyst):
    report, version = filed
    login_verified(client, analyst)
    assert client.get(f"/en/reports/versions/{version.pk}/receipt.pdf").status_code == 200


def test_verification_url_is_absolute(filed):
    from qogam.reporting.views import _verification_url

    report, version = filed
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    url = _verification_url(request, version.receipt_number)
    assert url.startswith("http://testserver/") and url.endswith(f"?number={version.receipt_number}")
