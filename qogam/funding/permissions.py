"""Who may do what in the competition engine. Services refuse what these refuse; selectors filter by
them; views only reflect them. Staff roles count only with a verified second factor
(`accounts.permissions.has_full_session`).

Who runs a call depends on its mechanism (`Mechanism.managed_by`): the grant operator runs grants and
awards; officials of the customer body run that body's state social order and strategic partnership,
and nothing of another body's (issue 5)."""

from __future__ import annotations

from qogam.accounts.models import Role
from qogam.accounts.permissions import has_full_session, represents
from qogam.funding import rules

OPERATOR_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})
# Users who may hold an expert record and score: experts of the pool, tender commission members and
# award working group members (DOMAIN §4).
SCORING_ROLES = frozenset({Role.EXPERT, Role.COMMITTEE, Role.WORKING_GROUP})


def is_admin(user) -> bool:
    return has_full_session(user) and bool(user.is_superuser or user.role == Role.ADMIN)


def is_operator(user) -> bool:
    """Grant operator staff (and administrators): run grant and award calls, the expert pool."""
    return has_full_session(user) and bool(user.is_superuser or user.role in OPERATOR_ROLES)


def is_customer_official(user) -> bool:
    """A state-body official acting for a body (a customer of the state social order)."""
    return has_full_session(user) and user.role == Role.OFFICIAL and user.state_body_id is not None


def programme_of(obj):
    """The programme an engine object belongs to (a programme, call, lot, application, agreement,
    tranche, report due, or anything with `mechanism` and `funder_body_id`)."""
    while not hasattr(obj, "funder_body_id"):
        for path in ("programme", "call", "application", "due", "agreement"):
            if hasattr(obj, path):
                obj = getattr(obj, path)
                break
        else:
            raise ValueError(f"{obj!r} belongs to no programme")
    return obj


def manages(user, obj=None) -> bool:
    """Whether `user` runs `obj`'s call: operators for operator-run mechanisms, officials of the funding
    body for customer-run ones, administrators for all. Without `obj`: whether the user runs any."""
    if is_admin(user):
        return True
    if obj is None:
        return is_operator(user) or is_customer_official(user)
    from qogam.funding.mechanisms import mechanism

    programme = programme_of(obj)
    if mechanism(programme.mechanism).managed_by == "operator":
        return is_operator(user)
    return is_customer_official(user) and user.state_body_id == programme.funder_body_id


def _member(user, call, relation: str, role: str) -> bool:
    if not has_full_session(user) or user.role != role:
        return False
    return getattr(call, relation).filter(pk=user.pk).exists()


def is_committee_member(user, call) -> bool:
    """A member of the call's competition committee or tender commission (role `committee`)."""
    return _member(user, call, "committee", Role.COMMITTEE)


def is_working_group_member(user, call) -> bool:
    """A member of an award call's working group (role `working_group`)."""
    return _member(user, call, "working_group", Role.WORKING_GROUP)


def expert_of(user):
    """The user's expert record, or None."""
    if not has_full_session(user) or user.role not in SCORING_ROLES:
        return None
    from qogam.funding.models import Expert

    return Expert.objects.filter(user=user, active=True).first()


def owns_assignment(user, assignment) -> bool:
    """Also for an evaluation of social effect: both carry `expert_id`."""
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
        return manages(user, obj)
    if action in ("application.edit", "application.submit", "application.withdraw", "appeal.file"):
        return represents(user, _application(obj).organisation_id)
    if action == "application.view":
        application = _application(obj)
        return (represents(user, application.organisation_id) or manages(user, application)
                or is_committee_member(user, application.call) or is_working_group_member(user, application.call))
    if action == "compliance.decide":
        return manages(user, obj)
    if action in ("assignment.declare", "assignment.score"):
        return owns_assignment(user, obj)
    if action == "call.decide":
        return is_committee_member(user, obj)
    if action == "call.shortlist":
        return is_working_group_member(user, obj)
    if action == "appeal.decide":
        return is_committee_member(user, obj.application.call)
    if action == "agreement.sign":
        return manages(user, obj) or represents(user, obj.application.organisation_id)
    if action == "agreement.view":
        return (manages(user, obj) or represents(user, obj.application.organisation_id)
                or is_committee_member(user, obj.application.call))
    if action == "monitoring.submit":
        return represents(user, obj.application.organisation_id)
    if action in ("monitoring.review", "agreement.manage", "effect.start"):
        return manages(user, obj)
    if action == "topic.propose":
        return bool(user is not None and user.is_authenticated and user.is_active)
    if action == "topic.decide":
        return is_admin(user) or (is_customer_official(user) and user.state_body_id == obj.body_id)
    raise ValueError(f"unknown action {action!r}")
