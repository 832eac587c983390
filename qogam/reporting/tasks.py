"""Background work of the NGO Database: the notices of a filing and of a review, sent by a worker
(`qogam db_worker`) after the filing commits, so that a slow or failing mail server never slows or
undoes a filing."""

from django_tasks import task


@task()
def send_filing_notice(version_id: int) -> None:
    from qogam.reporting.services import notify_filed

    notify_filed(version_id)


@task()
def send_review_notice(review_id: int) -> None:
    from qogam.reporting.services import notify_reviewed

    notify_reviewed(review_id)
