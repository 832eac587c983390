"""Who may do what. Services and selectors call these; views only reflect them."""

from qogam.accounts.models import Representation, Role

AUTHORISED_BODY_ROLES = frozenset({Role.ADMIN, Role.ANALYST})


def is_authorised_body(user) -> bool:
    """The authorised body (the ministry's Committee on Civil Society Affairs) and administrators."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in AUTHORISED_BODY_ROLES))


def represents(user, organisation) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Representation.objects.filter(
        user=user, organisation=organisation, status=Representation.Status.APPROVED
    ).exists()


def can_create_organisation(user) -> bool:
    return is_authorised_body(user)


def can_update_organisation(user, organisation) -> bool:
    return is_authorised_body(user) or represents(user, organisation)


def can_manage_state_bodies(user) -> bool:
    return is_authorised_body(user)


def can_decide_representation(user, representation) -> bool:
    return is_authorised_body(user) or represents(user, representation.organisation)
