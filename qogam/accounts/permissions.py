"""Who may do what. Services and selectors call these; views only reflect them.

Staff roles act for the state and sign in with a second factor (TOTP). Until a staff user's
session is verified by django-otp (`user.is_verified()`), every helper here treats that user as
holding no powers beyond an ordinary signed-in person: the OTP middleware keeps them on the OTP
pages, and this layer refuses them again if some path forgets to.
"""

from qogam.accounts.models import Representation, Role
from qogam.core import memo

AUTHORISED_BODY_ROLES = frozenset({Role.ADMIN, Role.ANALYST})

# Roles that may ask to represent an organisation. Staff roles act for the state, not for NGOs.
REPRESENTATIVE_ROLES = frozenset({Role.NGO, Role.EXPERT})


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def second_factor_required(user) -> bool:
    """Staff roles, superusers and anyone allowed into the admin sign in with TOTP."""
    return _signed_in(user) and bool(user.is_staff_role or user.is_staff)


def is_otp_verified(user) -> bool:
    """Whether django-otp verified this user's session. A user object that never passed through
    the OTP middleware (no `is_verified`) is not verified."""
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


def has_full_session(user) -> bool:
    """Signed in, and verified by a second factor where the user's role requires one."""
    return _signed_in(user) and (not second_factor_required(user) or is_otp_verified(user))


def mark_otp_verified(user, device=None):
    """Mark a user object as verified for trusted server-side code with no session (management
    commands, the demo generator, background tasks). Never call it on a request's user."""
    user.otp_device = device
    user.is_verified = lambda: True
    return user


def is_authorised_body(user) -> bool:
    """The authorised body (the ministry's Committee on Civil Society Affairs) and administrators."""
    return has_full_session(user) and bool(user.is_superuser or user.role in AUTHORISED_BODY_ROLES)


def represents(user, organisation) -> bool:
    """Whether `user` is an approved representative of `organisation` (asked once per request)."""
    if not has_full_session(user):
        return False
    organisation_id = getattr(organisation, "pk", organisation)
    return memo.request_remember(
        ("represents", user.pk, organisation_id),
        lambda: Representation.objects.filter(
            user_id=user.pk, organisation_id=organisation_id, status=Representation.Status.APPROVED
        ).exists(),
        depends_on=("accounts.Representation",),
    )


def can_create_organisation(user) -> bool:
    return is_authorised_body(user)


def can_update_organisation(user, organisation) -> bool:
    return is_authorised_body(user) or represents(user, organisation)


def can_manage_state_bodies(user) -> bool:
    return is_authorised_body(user)


def can_request_representation(user) -> bool:
    return has_full_session(user) and user.role in REPRESENTATIVE_ROLES


def can_decide_representation(user, representation) -> bool:
    """The authorised body, or an approved representative of the same organisation; never the
    person who asked."""
    if not has_full_session(user) or representation.user_id == user.pk:
        return False
    return is_authorised_body(user) or represents(user, representation.organisation)


def can_revoke_representation(user, representation) -> bool:
    """The person themselves (withdrawing a request or stepping down), the authorised body, or
    another approved representative of the same organisation."""
    if not has_full_session(user):
        return False
    if representation.user_id == user.pk:
        return True
    return is_authorised_body(user) or represents(user, representation.organisation)
