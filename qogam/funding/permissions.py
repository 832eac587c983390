"""Who may do what in the competition engine. Services refuse what these refuse; selectors filter by
them; views only reflect them. Staff roles count only with a verified second factor
(`accounts.permissions.has_full_session`)."""

from __future__ import annotations

from qogam.accounts.models import Role
from qogam.accounts.permissions import has_full_session, represents
from qogam.funding import rules

OPERATOR_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})


def is_operator(user) -> bool:
    """Grant operator staff (and administrators): run calls, compliance, assignment and monitoring."""
    return has_full_session(user) and bool(user.is_superuser or user.role in OPERATOR_ROLES)


def is_committee_member(user, call) -> bool:
    """A member of the call's competition committee (role `committee`, listed on the call)."""
    if not has_full_session(user) or user.role != Role.COMMITTEE:
        return False
    return call.committee.filter(pk=user.pk).exists()


def expert_of(user):
    """The user's expert record, or None."""
    if not has_full_session(user) or user.role != Role.EXPERT:
        return None
    from qogam.funding.models import Expert

    return Expert.objects.filter(user=user, active=True).first()


def owns_assignment(user, assignment) -> bool:
    expert = expert_of(user)
    return expert is not None and assignment.expert_id == expert.pk


def can_see_content(user, assignment) -> bool:
    """Issue 4: an expert sees an application's content only once assigned, declared free of conflict,
    and not recused."""
    return owns_assignment(user, assignment) and assignment.status in (
        rules.AssignmentStatus.DECLARED, rules.AssignmentStatus.SCORED)


def _application(obj):
    return getattr(obj, "application", obj)


def can(user, action: str, obj=None) -> bool:
    """The one table of the engine's permissions: `action` on `obj`."""
    if action == "call.manage":
        return is_operator(user)
    if action in ("application.edit", "application.submit", "application.withdraw", "appeal.file"):
        return represents(user, _application(obj).organisation_id)
    if action == "application.view":
        application = _application(obj)
        return (represents(user, application.organisation_id) or is_operator(user)
                or is_committee_member(user, application.call))
    if action == "compliance.decide":
        return is_operator(user)
    if action in ("assignment.declare", "assignment.score"):
        return owns_assignment(user, obj)
    if action in ("call.decide",):
        return is_committee_member(user, obj)
    if action == "appeal.decide":
        return is_committee_member(user, obj.application.call)
    if action == "agreement.sign":
        return is_operator(user) or represents(user, obj.application.organisation_id)
    if action == "agreement.view":
        return (is_operator(user) or represents(user, obj.application.organisation_id)
                or is_committee_member(user, obj.application.call))
    if action == "monitoring.submit":
        return represents(user, obj.application.organisation_id)
    if action in ("monitoring.review", "agreement.manage"):
        return is_operator(user)
    raise ValueError(f"unknown action {action!r}")
