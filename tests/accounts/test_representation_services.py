"""Representation: request, approve, reject, revoke through the services, for each kind of person."""

import pytest
from django.core import mail

from qogam.accounts import services
from qogam.accounts.models import Representation
from qogam.core import audit
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.models import AuditEntry
from tests.accounts.conftest import actor
from tests.factories import OrganisationFactory

# Who may approve or reject the pending request (of "requester" for org A).
DECIDE = {
    "anonymous": False,
    "requester": False,
    "ngo_outsider": False,
    "rep_same_org": True,
    "rep_other_org": False,
    "expert": False,
    "official": False,
    "analyst": True,
    "analyst_unverified": False,
    "admin": True,
}
# Who may revoke the approved representation of "rep_a" for org A (rep_same_org is rep_a itself).
REVOKE_APPROVED = {
    "anonymous": False,
    "requester": False,
    "ngo_outsider": False,
    "rep_same_org": True,
    "rep_other_org": False,
    "expert": False,
    "official": False,
    "analyst": True,
    "analyst_unverified": False,
    "admin": True,
}
# Who may ask to represent an organisation.
REQUEST = {
    "anonymous": False,
    "requester": True,
    "ngo_outsider": True,
    "rep_same_org": True,
    "rep_other_org": True,
    "expert": True,
    "official": False,
    "analyst": False,
    "analyst_unverified": False,
    "admin": False,
}


@pytest.mark.parametrize("who", sorted(DECIDE))
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_decide_matrix(world, who, decision):
    person = actor(world, who)
    call = lambda: services.representation_decide(  # noqa: E731
        actor=person, representation=world.pending, decision=decision, reason="Not a member of the board."
    )
    if DECIDE[who]:
        rep = call()
        assert rep.status == ("approved" if decision == "approve" else "rejected")
        assert rep.decided_by == world.people[who]
        entry = AuditEntry.objects.get(action=f"accounts.representation_{decision}", object_id=str(rep.pk))
        assert entry.actor_id == world.people[who].pk
        assert entry.before["status"] == "pending" and entry.after["status"] == rep.status
    else:
        with pytest.raises(PermissionDeniedError):
            call()
        world.pending.refresh_from_db()
        assert world.pending.status == "pending"
        assert not AuditEntry.objects.filter(action__startswith="accounts.representation_").exists()


@pytest.mark.parametrize("who", sorted(REVOKE_APPROVED))
def test_revoke_matrix(world, who):
    approved = Representation.objects.get(user=world.people["rep_same_org"], organisation=world.org_a)
    person = actor(world, who)
    call = lambda: services.representation_revoke(actor=person, representation=approved, reason="Left the job.")  # noqa: E731
    if REVOKE_APPROVED[who]:
        rep = call()
        assert rep.status == "revoked" and rep.reason == "Left the job."
        assert AuditEntry.objects.filter(action="accounts.representation_revoke", object_id=str(rep.pk)).exists()
    else:
        with pytest.raises(PermissionDeniedError):
            call()
        approved.refresh_from_db()
        assert approved.status == "approved"


@pytest.mark.parametrize("who", sorted(REQUEST))
def test_request_matrix(world, who):
    person = actor(world, who)
    call = lambda: services.representation_request(user=person, bin=world.org_b.bin, position="member")  # noqa: E731
    if who == "rep_other_org":  # already represents org B
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.code == "already_representative"
    elif REQUEST[who]:
        rep = call()
        assert rep.status == "pending" and rep.organisation == world.org_b and rep.position == "member"
        assert AuditEntry.objects.filter(action="accounts.representation_request", object_id=str(rep.pk)).exists()
    else:
        with pytest.raises(PermissionDeniedError):
            call()


def test_withdraw_own_pending_but_others_must_reject(world):
    with pytest.raises(Conflict) as exc:
        services.representation_revoke(actor=actor(world, "analyst"), representation=world.pending)
    assert exc.value.code == "use_reject"
    rep = services.representation_revoke(actor=world.requester, representation=world.pending)
    assert rep.status == "revoked"


def test_requester_cannot_decide_own_request(world):
    with pytest.raises(PermissionDeniedError):
        services.representation_decide(actor=world.requester, representation=world.pending, decision="approve")


def test_rejection_needs_reason(world):
    with pytest.raises(ValidationFailed) as exc:
        services.representation_decide(actor=actor(world, "analyst"), representation=world.pending, decision="reject")
    assert "reason" in exc.value.fields


def test_decided_request_cannot_be_decided_again(world):
    analyst = actor(world, "analyst")
    services.representation_decide(actor=analyst, representation=world.pending, decision="approve")
    with pytest.raises(Conflict) as exc:
        services.representation_decide(actor=analyst, representation=world.pending, decision="reject", reason="x")
    assert exc.value.code == "already_decided"


def test_approved_representative_can_then_decide(world):
    analyst = actor(world, "analyst")
    services.representation_decide(actor=analyst, representation=world.pending, decision="approve")
    newcomer = actor(world, "ngo_outsider")
    rep = services.representation_request(user=newcomer, bin=world.org_a.bin, position="member")
    decided = services.representation_decide(actor=world.requester, representation=rep, decision="approve")
    assert decided.status == "approved"


def _wrong_check_digit() -> str:
    from qogam.core.rules import make_bin

    valid = make_bin(2020, 1, 500)
    return valid[:11] + str((int(valid[11]) + 1) % 10)


@pytest.mark.parametrize(
    "bin_, message_part",
    [
        ("12345", "12 digits"),
        (_wrong_check_digit(), "check digit"),
    ],
)
def test_invalid_bin_is_refused(world, bin_, message_part):
    with pytest.raises(ValidationFailed) as exc:
        services.representation_request(user=world.people["ngo_outsider"], bin=bin_, position="member")
    assert message_part in str(exc.value.fields["bin"][0])


def test_unknown_bin_is_refused_clearly(world):
    from qogam.core.rules import make_bin

    unknown = make_bin(2020, 1, 99999)
    with pytest.raises(ValidationFailed) as exc:
        services.representation_request(user=world.people["ngo_outsider"], bin=unknown, position="member")
    assert "No organisation with this BIN" in str(exc.value.fields["bin"][0])


def test_liquidated_organisation_is_refused(world):
    import datetime as dt

    gone = OrganisationFactory(status="liquidated", liquidated_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationFailed) as exc:
        services.representation_request(user=world.people["ngo_outsider"], bin=gone.bin, position="member")
    assert "liquidated" in str(exc.value.fields["bin"][0])


def test_missing_position_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        services.representation_request(user=world.people["ngo_outsider"], bin=world.org_a.bin, position="  ")
    assert "position" in exc.value.fields


def test_duplicate_open_request_is_refused(world):
    with pytest.raises(Conflict) as exc:
        services.representation_request(user=world.requester, bin=world.org_a.bin, position="accountant")
    assert exc.value.code == "already_requested"
    assert Representation.objects.filter(user=world.requester, organisation=world.org_a).count() == 1


def test_can_ask_again_after_rejection(world):
    services.representation_decide(
        actor=actor(world, "analyst"), representation=world.pending, decision="reject", reason="Wrong BIN"
    )
    rep = services.representation_request(user=world.requester, bin=world.org_a.bin, position="accountant")
    assert rep.status == "pending"


def test_requester_is_notified_by_email_in_their_language(world, django_capture_on_commit_callbacks):
    world.requester.language = "en"
    world.requester.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.representation_decide(
            actor=actor(world, "analyst"), representation=world.pending, decision="reject", reason="Not on the staff list."
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.requester.email]
    assert "rejected" in message.subject
    assert "Not on the staff list." in message.body
    assert world.org_a.bin in message.body


def test_request_and_revoke_notify(world, django_capture_on_commit_callbacks):
    outsider = world.people["ngo_outsider"]
    with django_capture_on_commit_callbacks(execute=True):
        services.representation_request(user=outsider, bin=world.org_b.bin, position="member")
    assert [m.to for m in mail.outbox] == [[outsider.email]]
    approved = Representation.objects.get(user=world.people["rep_same_org"])
    with django_capture_on_commit_callbacks(execute=True):
        services.representation_revoke(actor=actor(world, "admin"), representation=approved, reason="Court order")
    assert mail.outbox[-1].to == [world.people["rep_same_org"].email]


def test_audit_chain_stays_intact(world):
    analyst = actor(world, "analyst")
    services.representation_decide(actor=analyst, representation=world.pending, decision="approve")
    services.representation_revoke(actor=analyst, representation=world.pending, reason="done")
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["accounts.representation_approve", "accounts.representation_revoke"]
    assert audit.verify().ok
