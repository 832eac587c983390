"""Notices of public councils, e-mailed by a worker in each recipient's language."""

from django.utils.translation import gettext_noop
from django_tasks import task

NOTICES = {
    "minutes_overdue": (
        gettext_noop("Qogam: the minutes of %(title)s are overdue"),
        gettext_noop("The minutes of \"%(title)s\" of %(council)s, held on %(held)s, were due on %(due)s and are not "
                     "published. Publish them on the meeting's page."),
    ),
}


@task()
def send_notice(kind: str, user_ids: list[int], params: dict) -> int:
    from qogam.core.notices import send

    return send(NOTICES, kind, user_ids, params)
