"""Demo of the sector dashboards (issue 7): the indicators of every year, computed once the other
generators have filled the register, the reports, funding and the recommendation tracker, exactly as
the night's recomputation does (the same job, run here instead of by a worker), so that the dashboards
have figures the moment the demo is served."""

from __future__ import annotations

from qogam.analytics import services
from qogam.analytics.models import Job, Snapshot
from qogam.demo.context import DemoContext


def generate(ctx: DemoContext) -> None:
    job = services.request_refresh()
    if job.status == Job.Status.QUEUED:  # the immediate task backend (tests) has already run it
        services.run_refresh(job.pk)
    job.refresh_from_db()
    ctx.counts["indicator snapshots"] = Snapshot.objects.count()
    ctx.log(f"  indicators of {len(services.years_span(ctx.today))} years computed for Kazakhstan and each region: "
            f"{ctx.counts['indicator snapshots']} snapshots")


def wipe() -> int:
    """Remove the snapshots and the dashboards' jobs with their PDF files."""
    count = Snapshot.objects.count()
    for job in Job.objects.exclude(file=""):
        job.file.delete(save=False)
    Snapshot.objects.all().delete()
    Job.objects.all().delete()
    return count
