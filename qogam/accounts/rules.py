"""Rules of accounts as pure functions: no ORM, no I/O."""

from __future__ import annotations

PENDING, APPROVED, REJECTED, REVOKED = "pending", "approved", "rejected", "revoked"

# The one table of allowed representation transitions (ARCHITECTURE: explicit state machines).
REPRESENTATION_TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({APPROVED, REJECTED, REVOKED}),
    APPROVED: frozenset({REVOKED}),
    REJECTED: frozenset(),
    REVOKED: frozenset(),
}

OPEN_STATUSES = frozenset({PENDING, APPROVED})

DECISIONS = {"approve": APPROVED, "reject": REJECTED}

REASON_MAX_LENGTH = 2000
POSITION_MAX_LENGTH = 200


def representation_transition_allowed(current: str, new: str) -> bool:
    return new in REPRESENTATION_TRANSITIONS.get(current, frozenset())


def decision_problem(decision: str, reason: str) -> str | None:
    """Why a decision on a pending request cannot be taken as given, or None.

    A rejection must say why, so that the person can correct the request.
    """
    if decision not in DECISIONS:
        return "unknown_decision"
    if len(reason) > REASON_MAX_LENGTH:
        return "reason_too_long"
    if decision == "reject" and not reason.strip():
        return "reason_required"
    return None


def revoke_problem(status: str, *, by_requester: bool) -> str | None:
    """Why a representation cannot be revoked by this kind of actor, or None.

    A pending request is withdrawn only by the person who made it; others reject it instead.
    """
    if not representation_transition_allowed(status, REVOKED):
        return "not_open"
    if status == PENDING and not by_requester:
        return "pending_use_reject"
    return None


def position_problem(position: str) -> str | None:
    position = position.strip()
    if not position:
        return "position_required"
    if len(position) > POSITION_MAX_LENGTH:
        return "position_too_long"
    return None
