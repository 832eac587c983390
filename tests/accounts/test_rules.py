from hypothesis import given
from hypothesis import strategies as st

from qogam.accounts import rules

STATUSES = ["pending", "approved", "rejected", "revoked"]


def test_transition_table():
    allowed = {(a, b) for a in STATUSES for b in STATUSES if rules.representation_transition_allowed(a, b)}
    assert allowed == {
        ("pending", "approved"),
        ("pending", "rejected"),
        ("pending", "revoked"),
        ("approved", "revoked"),
    }


@given(st.text(), st.text())
def test_unknown_statuses_never_transition(a, b):
    if a not in STATUSES or b not in STATUSES:
        assert not rules.representation_transition_allowed(a, b)


@given(st.text(max_size=50))
def test_rejection_needs_a_reason(reason):
    problem = rules.decision_problem("reject", reason)
    assert (problem == "reason_required") == (not reason.strip())
    assert rules.decision_problem("approve", reason) is None


def test_decision_problems():
    assert rules.decision_problem("maybe", "x") == "unknown_decision"
    assert rules.decision_problem("reject", "x" * 2001) == "reason_too_long"


def test_revoke_rules():
    assert rules.revoke_problem("approved", by_requester=False) is None
    assert rules.revoke_problem("approved", by_requester=True) is None
    assert rules.revoke_problem("pending", by_requester=True) is None
    assert rules.revoke_problem("pending", by_requester=False) == "pending_use_reject"
    assert rules.revoke_problem("rejected", by_requester=True) == "not_open"
    assert rules.revoke_problem("revoked", by_requester=False) == "not_open"


def test_position_rules():
    assert rules.position_problem("  ") == "position_required"
    assert rules.position_problem("x" * 201) == "position_too_long"
    assert rules.position_problem("director") is None
