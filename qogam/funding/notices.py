"""Sending the engine's notices (`tasks.NOTICES`) in each recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from qogam.accounts.models import User


def send(kind: str, user_ids: list[int], params: dict) -> int:
    from qogam.funding.tasks import NOTICES

    subject, body = NOTICES[kind]
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk"):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            sent += send_mail(_(subject) % params, _(body) % params, None, [user.email])
    return sent
