"""The dashboards' background work (issue 7): recomputing the snapshots the pages read, and drawing the
PDF sector report. A request creates a `Job` and queues its task in the same transaction; the worker
writes the job's progress as it goes, and the job's page shows it.

- One recomputation at a time: asking again while one is queued or running returns that one.
- One report per year, region, language and computation: asking again returns the report already made
  (or being made), so anyone may ask for a report without making the workers redo work.
- A job left queued or running for longer than `analytics.job_stale_minutes` is taken as lost (its
  worker died) and a new request starts a new job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from qogam.analytics import flows, indicators, rules
from qogam.analytics.models import Job, Snapshot
from qogam.analytics.permissions import is_ministry
from qogam.core import audit, config
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import PermissionDeniedError, ValidationFailed
from qogam.core.tasks import enqueue

log = logging.getLogger(__name__)


def years_span(today: dt.date) -> range:
    """The years the snapshots cover: from the earliest year with a report, a funding programme or a
    recommendation to the latest one (never beyond the current year)."""
    from qogam.funding.models import Programme
    from qogam.recommendations.models import Recommendation
    from qogam.reporting.models import AnnualReport

    bounds = [
        AnnualReport.objects.filter(versions__isnull=False).aggregate(a=Min("year"), b=Max("year")),
        Programme.objects.aggregate(a=Min("year"), b=Max("year")),
        Recommendation.objects.aggregate(a=Min("sent_on__year"), b=Max("sent_on__year")),
    ]
    firsts = [b["a"] for b in bounds if b["a"] is not None]
    lasts = [b["b"] for b in bounds if b["b"] is not None]
    if not firsts:
        return range(0)
    return range(min(firsts), min(max(lasts), today.year) + 1)


def compute(*, today: dt.date, progress=lambda done, total, year: None) -> list[Snapshot]:
    """The snapshots of every year of `years_span`, for Kazakhstan and each region, not yet saved.

    Each year's data is read once and counted for every region; the physical volume index of a year
    uses the previous year's services volume of the same region, as `qogam indicators` does."""
    from qogam.core.models import Region

    years = years_span(today)
    scopes = [None, *Region.objects.order_by("pk").values_list("pk", flat=True)]
    previous: dict[str | None, int] = {}
    if years:
        data = indicators.year_data(years[0] - 1)
        previous = {scope: indicators.figures(data, scope)["services_volume_kzt"]["total"] for scope in scopes}
    snapshots = []
    for done, year in enumerate(years):
        progress(done, len(years), year)
        data = indicators.year_data(year)
        money = flows.funding_year(year)
        answers = flows.responsiveness_year(year, today)
        price = indicators.price_index(year)
        current: dict[str | None, int] = {}
        for scope in scopes:
            figures = indicators.figures(data, scope)
            services = figures["services_volume_kzt"]["total"]
            figures["physical_volume_index"] = rules.physical_volume_index(services, price, previous.get(scope, 0))
            current[scope] = services
            snapshots.append(Snapshot(year=year, region=scope or "", data={
                "indicators": figures, "reports": data.reports_within(scope), "funding": flows.funding(money, scope),
                "responsiveness": flows.responsiveness(answers, scope, today)}))
        previous = current
    return snapshots


def _progress(job: Job, percent: int, step: str) -> None:
    Job.objects.filter(pk=job.pk).update(progress=percent, step=step[:200])


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=config.get("analytics.job_stale_minutes"))


def _open_job(**lookup) -> Job | None:
    return (Job.objects.filter(**lookup, status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
                               created_at__gte=_stale_before()).order_by("-created_at").first())


def _check_analyst(actor) -> None:
    if actor is not None and not is_ministry(actor):
        raise PermissionDeniedError(_("Only the ministry's analysts and administrators can recompute the indicators."))


@transaction.atomic
def request_refresh(*, actor=None) -> Job:
    """Queue a recomputation of every snapshot (or return the one already under way). `actor` None is
    the system (`qogam daily`, the demo)."""
    _check_analyst(actor)
    running = _open_job(kind=Job.Kind.REFRESH)
    if running:
        return running
    job = Job.objects.create(kind=Job.Kind.REFRESH, requested_by=actor)
    audit.record(action="analytics.refresh_requested", obj=job, after={"kind": job.kind}, actor=actor)
    from qogam.analytics import tasks

    enqueue(tasks.refresh, str(job.pk))
    return job


def _start(job_id) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Job.Status.QUEUED:
            return None  # already run (a task run twice does its work once)
        job.status, job.started_at = Job.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def _fail(job: Job, error: Exception) -> None:
    log.exception("analytics job %s failed", job.pk)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                         error=f"{type(error).__name__}: {error}"[:2000])


def run_refresh(job_id) -> str:
    """The task's work: compute every snapshot, then replace the saved ones in one transaction, so the
    pages read either the old set or the new one, never a mix."""
    job = _start(job_id)
    if job is None:
        return "skipped"
    try:
        started = timezone.now()
        snapshots = compute(today=almaty_today(), progress=lambda done, total, year: _progress(
            job, 5 + 90 * done // max(1, total), f"{year} ({done + 1}/{total})"))
        _progress(job, 95, "saving")
        with transaction.atomic():
            Snapshot.objects.all().delete()
            for snapshot in snapshots:
                snapshot.computed_at, snapshot.job = started, job
            Snapshot.objects.bulk_create(snapshots, batch_size=200)
            Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=100, step="",
                                                 basis=started, finished_at=timezone.now())
        _forget_old_reports()
        return f"{len(snapshots)} snapshots"
    except Exception as error:
        _fail(job, error)
        raise


def _forget_old_reports() -> None:
    """Keep the PDF reports of the last two computations (a reader may still be fetching one of the
    previous); older ones are removed with their files."""
    bases = list(Job.objects.filter(kind=Job.Kind.REFRESH, status=Job.Status.DONE).exclude(basis=None)
                 .order_by("-basis").values_list("basis", flat=True)[:2])
    if len(bases) < 2:
        return
    for old in Job.objects.filter(kind=Job.Kind.REPORT, basis__lt=bases[-1]):
        if old.file:
            old.file.delete(save=False)
        old.delete()


def basis() -> dt.datetime | None:
    """When the saved snapshots were computed (None before the first computation)."""
    return Snapshot.objects.aggregate(at=Max("computed_at"))["at"]


@transaction.atomic
def request_report(*, year: int, region: str | None, language: str, actor=None) -> Job:
    """Queue the PDF sector report of `year` and `region` in `language`, or return the one already made
    or being made from the same computation."""
    from django.conf import settings

    from qogam.core.models import Region

    errors = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose Kazakh, Russian or English.")]
    if region and not Region.objects.filter(pk=region).exists():
        errors["region"] = [_("There is no region with the KATO code %(code)s.") % {"code": region[:9]}]
    if not Snapshot.objects.filter(year=year, region=region or "").exists():
        errors["year"] = [_("There are no computed indicators for %(year)s. Choose a year shown on the dashboard.")
                          % {"year": year}]
    if errors:
        raise ValidationFailed(fields=errors)
    at = basis()
    lookup = {"kind": Job.Kind.REPORT, "year": year, "region": region or "", "language": language, "basis": at}
    existing = Job.objects.filter(**lookup, status=Job.Status.DONE).order_by("-created_at").first() \
        or _open_job(**lookup)
    if existing:
        return existing
    job = Job.objects.create(**lookup, requested_by=actor if actor is not None and actor.is_authenticated else None)
    from qogam.analytics import tasks

    enqueue(tasks.report, str(job.pk))
    return job


def run_report(job_id) -> str:
    job = _start(job_id)
    if job is None:
        return "skipped"
    try:
        from qogam.analytics import pdf

        content = pdf.sector_report(job, progress=lambda percent, step: _progress(job, percent, step))
        name = f"qogam-sector-{job.year}-{job.region or 'KZ'}-{job.language}.pdf"
        with transaction.atomic():
            job.file.save(name, ContentFile(content), save=False)
            Job.objects.filter(pk=job.pk).update(
                file=job.file.name, status=Job.Status.DONE, progress=100, step="", finished_at=timezone.now(),
                error="")
        return hashlib.sha256(content).hexdigest()
    except Exception as error:
        _fail(job, error)
        raise
