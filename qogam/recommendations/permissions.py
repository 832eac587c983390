"""Who may act on a recommendation. Only officials of the addressee body answer it and report its
implementation (issue 6); everyone may read it."""

from qogam.accounts.models import Role
from qogam.accounts.permissions import has_full_session


def is_addressee_official(user, recommendation) -> bool:
    return (
        has_full_session(user)
        and user.role == Role.OFFICIAL
        and user.state_body_id is not None
        and user.state_body_id == recommendation.addressee_id
    )


def can_answer(user, recommendation) -> bool:
    return is_addressee_official(user, recommendation)


def can_report_implementation(user, recommendation) -> bool:
    return is_addressee_official(user, recommendation)


def is_body_official(user) -> bool:
    """An official acting for a body: has a cabinet of recommendations addressed to it."""
    return has_full_session(user) and user.role == Role.OFFICIAL and user.state_body_id is not None
