"""Reads of the dashboards: only the saved snapshots and jobs, never the sector's raw data (that is the
recomputation's work, on the task queue)."""

from __future__ import annotations

import datetime as dt
import uuid

from qogam.analytics.models import Job, Snapshot


def years() -> list[int]:
    """The years with snapshots, oldest first."""
    return list(Snapshot.objects.filter(region="").order_by("year").values_list("year", flat=True))


def default_year(today: dt.date, available: list[int]) -> int | None:
    """The latest year whose report deadline has passed (its figures are complete), else the latest."""
    from qogam.reporting.selectors import last_closed_year

    if not available:
        return None
    closed = last_closed_year(today)
    complete = [year for year in available if year <= closed]
    return complete[-1] if complete else available[-1]


def series(region: str | None) -> list[tuple[int, dict]]:
    """(year, figures) of every snapshot of `region` (Kazakhstan for None), oldest first."""
    return list(Snapshot.objects.filter(region=region or "").order_by("year").values_list("year", "data"))


def year_by_region(year: int) -> dict[str, dict]:
    """The figures of each region in `year`, by KATO code."""
    return dict(Snapshot.objects.filter(year=year).exclude(region="").values_list("region", "data"))


def all_by_region() -> list[tuple[int, str, dict]]:
    """(year, region, figures) of every regional snapshot."""
    return list(Snapshot.objects.exclude(region="").order_by("year", "region").values_list("year", "region", "data"))


def latest_refresh() -> Job | None:
    return Job.objects.filter(kind=Job.Kind.REFRESH).order_by("-created_at").first()


def recent_jobs(limit: int = 20) -> list[Job]:
    return list(Job.objects.order_by("-created_at")[:limit])


def job(pk) -> Job | None:
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        return None
    return Job.objects.filter(pk=key).first()
