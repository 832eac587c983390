"""Background work of the dashboards, run by `qogam db_worker` (services hold the work and its progress)."""

from django_tasks import task


@task()
def refresh(job_id: str) -> str:
    from qogam.analytics.services import run_refresh

    return run_refresh(job_id)


@task()
def report(job_id: str) -> str:
    from qogam.analytics.services import run_report

    return run_report(job_id)
