"""The PDF sector report (issue 7): the public panels of the dashboard for a year and a region, charts
and tables, set by WeasyPrint in DejaVu Sans (Kazakh letters included). Run by the task queue; the
progress callback feeds the job's page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from qogam.analytics import dashboard


def report_html(job) -> str:
    from qogam.core.models import Region

    board = dashboard.Board.load(job.year, job.region or None)
    region = Region.objects.filter(pk=job.region).first() if job.region else None
    return render_to_string("analytics/report_pdf.html", {
        "year": job.year, "region": region, "basis": job.basis, "sections": dashboard.sections(board, ministry=False),
    })


def sector_report(job, *, progress=lambda percent, step: None) -> bytes:
    from weasyprint import HTML

    with translation.override(job.language or "kk"):
        progress(10, "charts and tables")
        html = report_html(job)
        progress(40, "typesetting")
        document = HTML(string=html).render()
        progress(85, "writing the PDF")
        return document.write_pdf()
