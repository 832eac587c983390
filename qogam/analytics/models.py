"""Precomputed results of the sector's measurement (issue 7): the pages and the API read snapshots
that a background task computes, so that a page never recomputes the sector. The `qogam indicators`
command never reads them: it computes from the current data."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """The indicators of one year for the whole country (`region` blank) or one region, with the
    funding flows and the responsiveness of state bodies of that year, as computed at `computed_at`."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.CharField(_("region (KATO), blank for Kazakhstan"), max_length=9, blank=True)
    data = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))
    job = models.ForeignKey("Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["year", "region"]
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        constraints = [models.UniqueConstraint(fields=["year", "region"], name="analytics_snapshot_unique")]

    def __str__(self):
        return f"{self.year} {self.region or 'KZ'}"


class Job(models.Model):
    """One piece of background work of the dashboards (a recomputation of the snapshots, or a PDF
    sector report) and its progress, shown on its page while a worker runs it."""

    class Kind(models.TextChoices):
        REFRESH = "refresh", _("recomputation of the indicators")
        REPORT = "report", _("PDF sector report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    region = models.CharField(_("region (KATO)"), max_length=9, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    # The report is drawn from the snapshots computed at this moment: a newer computation makes a new report.
    basis = models.DateTimeField(_("snapshots computed at"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="analytics/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("analytics job")
        verbose_name_plural = _("analytics jobs")
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return f"{self.kind} {self.year or ''} {self.region or ''} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
