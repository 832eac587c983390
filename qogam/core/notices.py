"""E-mailing an app's notices in each recipient's language.

An app keeps its notices as `{kind: (subject, body)}` (marked with `gettext_noop`, with `%(name)s`
placeholders filled from the notice's parameters) and a task that calls `send` after the change that
causes them commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _


def notify(task, kind: str, users, /, **params) -> None:
    """Queue `task(kind, user ids, params)` for the active `users` with an e-mail address, with the
    current transaction (`core.tasks.enqueue`); nothing is queued when no one can be told."""
    from qogam.core.tasks import enqueue

    ids = sorted({u.pk for u in users if u is not None and u.email and u.is_active})
    if ids:
        enqueue(task, kind, ids, {k: str(v) for k, v in params.items()})


def send(notices: dict[str, tuple[str, str]], kind: str, user_ids: list[int], params: dict) -> int:
    from qogam.accounts.models import User

    subject, body = notices[kind]
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk"):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            sent += send_mail(_(subject) % params, _(body) % params, None, [user.email])
    return sent
