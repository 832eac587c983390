"""Reads of accounts, with permission filtering applied here once."""

from django.db.models import Q, QuerySet

from qogam.accounts.models import Representation, User
from qogam.accounts.permissions import has_full_session, is_authorised_body

_ORDER = ("-requested_at", "-id")


def _base() -> QuerySet:
    return Representation.objects.select_related("user", "organisation", "decided_by")


def represented_organisation_ids(user) -> QuerySet:
    """Ids of the organisations this user is an approved representative of."""
    return Representation.objects.filter(user=user, status=Representation.Status.APPROVED).values(
        "organisation_id"
    )


def representations_visible_to(user) -> QuerySet:
    """Representations a user may see: their own; every representation of an organisation they
    represent; all of them for the authorised body. Nothing for anonymous users."""
    if not (user and user.is_authenticated):
        return Representation.objects.none()
    if is_authorised_body(user):
        return _base().order_by(*_ORDER)
    own = Q(user=user)
    if has_full_session(user):
        own |= Q(organisation_id__in=represented_organisation_ids(user))
    return _base().filter(own).order_by(*_ORDER)


def representations_of(user) -> QuerySet:
    """The user's own requests and representations, newest first."""
    if not (user and user.is_authenticated):
        return Representation.objects.none()
    return _base().filter(user=user).order_by(*_ORDER)


def representations_to_decide(user) -> QuerySet:
    """Pending requests this user may approve or reject (never their own), oldest first."""
    if not has_full_session(user):
        return Representation.objects.none()
    pending = _base().filter(status=Representation.Status.PENDING).exclude(user=user)
    if not is_authorised_body(user):
        pending = pending.filter(organisation_id__in=represented_organisation_ids(user))
    return pending.order_by("requested_at", "id")


def representation_get_visible(user, pk) -> Representation | None:
    return representations_visible_to(user).filter(pk=pk).first()


def user_has_confirmed_totp(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(user and user.is_authenticated) and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_email_taken(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email.strip())
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()
