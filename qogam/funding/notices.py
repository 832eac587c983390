"""Sending the engine's notices (`tasks.NOTICES`) in each recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from qogam.accounts.models import User


def render(kind: str, params: dict, language: str) -> tuple[str, str]:
    from qogam.funding.tasks import NOTICES

    subject, body = NOTICES[kind]
    with translation.override(language or settings.LANGUAGE_CODE):
        return _(subject) % params, _(body) % params


def send(kind: str, user_ids: list[int], params: dict) -> int:
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk"):
        subject, body = render(kind, params, user.language)
        sent += send_mail(subject, body, None, [user.email])
    return sent
