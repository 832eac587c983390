"""Who may do what with public councils and the Civil Forum. Services refuse what these refuse.

- The council's secretary (role "council secretary", named on the council) runs its meetings and
  hearings: agenda, documents, attendance, decisions, recommendations, and is the only one who
  publishes minutes (issue 6).
- Officials of the host body, the secretary and administrators run the selection of members.
- The authorised body (and administrators) creates councils and records the Civil Forum.
- Any signed-in person who does not act for the state may apply to be a member.
"""

from qogam.accounts.models import STAFF_ROLES, Role
from qogam.accounts.permissions import has_full_session, is_authorised_body


def is_secretary(user, council) -> bool:
    return (has_full_session(user) and user.role == Role.COUNCIL_SECRETARY
            and council.secretary_id is not None and council.secretary_id == user.pk)


def is_host_official(user, council) -> bool:
    return (has_full_session(user) and user.role == Role.OFFICIAL and user.state_body_id is not None
            and user.state_body_id == council.host_body_id)


def is_admin(user) -> bool:
    return has_full_session(user) and bool(user.is_superuser or user.role == Role.ADMIN)


def can_create_council(user) -> bool:
    return is_authorised_body(user)


def can_manage_council(user, council) -> bool:
    """Appoint the secretary, open convocations, run the selection of members, record the chair."""
    return is_admin(user) or is_host_official(user, council) or is_secretary(user, council)


def can_run_meetings(user, council) -> bool:
    return is_secretary(user, council)


def can_publish_minutes(user, council) -> bool:
    return is_secretary(user, council)


def can_apply(user) -> bool:
    return has_full_session(user) and not (user.role in STAFF_ROLES or user.is_superuser or user.is_staff)


def can_manage_forum(user) -> bool:
    return is_authorised_body(user)
