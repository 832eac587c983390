"""Admin of the dashboards' precomputed results: read-only. Recomputations are requested on the
dashboard (the ministry's analysts) or by `qogam daily`; the price index is edited under core."""

from django.contrib import admin

from qogam.analytics.models import Job, Snapshot
from qogam.core.admin import ReadOnlyAdmin


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("year", "region", "computed_at")
    list_filter = ("year",)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "year", "region", "language", "status", "progress", "finished_at")
    list_filter = ("kind", "status")
