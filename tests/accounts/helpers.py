"""Reusable helpers for signing users in, in tests, with the second factor satisfied.

Staff roles (officials, operator staff, council secretaries, analysts, administrators, superusers
and anyone with `is_staff`) hold no powers until their session is OTP-verified. Use:

- `login_verified(client, user)`: `client.force_login(user)` plus a confirmed TOTP device whose id
  is stored in the session, as django-otp does after a correct code. Works for every role; for
  non-staff users it is just `force_login`. Works with Django's `Client` and DRF's `APIClient`.
- `verified(user)`: for calling services and selectors directly with a staff user (no request):
  gives the user object a confirmed device and `is_verified() == True`.
- `current_code(device)`: the device's TOTP code now, as an authenticator app would show it.

In a test module or conftest, `from tests.accounts.helpers import logged_in  # noqa: F401` brings
the `logged_in` fixture: `logged_in(client, user)` is `login_verified`.
"""

from __future__ import annotations

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qogam.accounts.permissions import mark_otp_verified, second_factor_required


def totp_device(user, *, name: str = "default") -> TOTPDevice:
    """The user's confirmed TOTP device, created when missing (directly, without an audit entry)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def current_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + offset_steps)
    return f"{code:0{device.digits}d}"


def login_verified(client, user):
    """Sign `user` in on `client`; staff users also get an OTP-verified session."""
    client.force_login(user)
    if second_factor_required(user):
        device = totp_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def verified(user):
    """The same user object, usable as a verified actor in direct service or selector calls."""
    device = totp_device(user) if second_factor_required(user) else None
    return mark_otp_verified(user, device)


@pytest.fixture
def logged_in(db):
    return login_verified
