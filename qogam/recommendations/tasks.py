"""Notices of the recommendation tracker, e-mailed by a worker after the change that causes them
commits, each in the recipient's language."""

from django.utils.translation import gettext_noop
from django_tasks import task

NOTICES = {
    "received": (
        gettext_noop("Qogam: recommendation %(number)s is addressed to your body"),
        gettext_noop("%(source)s sent your body the recommendation \"%(title)s\" (%(number)s).\n"
                     "Answer it in your cabinet by %(due)s: accept it, accept it in part, or reject it with reasons. "
                     "The answer is published."),
    ),
    "reminder": (
        gettext_noop("Qogam: the answer to recommendation %(number)s is due on %(due)s"),
        gettext_noop("Your body has not yet answered the recommendation \"%(title)s\" (%(number)s). The answer is due "
                     "on %(due)s. Answer it in your cabinet."),
    ),
    "overdue": (
        gettext_noop("Qogam: the answer to recommendation %(number)s is overdue"),
        gettext_noop("The answer to the recommendation \"%(title)s\" (%(number)s) was due on %(due)s. It is shown as "
                     "overdue on the public scoreboard until your body answers it in its cabinet."),
    ),
    "answered": (
        gettext_noop("Qogam: recommendation %(number)s is answered"),
        gettext_noop("%(body)s answered the recommendation \"%(title)s\" (%(number)s): %(verdict)s.\n%(answer)s"),
    ),
    "implemented": (
        gettext_noop("Qogam: recommendation %(number)s is implemented"),
        gettext_noop("%(body)s reported the recommendation \"%(title)s\" (%(number)s) as implemented.\n%(note)s"),
    ),
}


@task()
def send_notice(kind: str, user_ids: list[int], params: dict) -> int:
    from qogam.core.notices import send

    return send(NOTICES, kind, user_ids, params)
