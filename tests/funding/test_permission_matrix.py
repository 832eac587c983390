"""Issue 4 evidence "a role × action permission matrix, tested".

Each action runs, through the API, in the lifecycle state it needs (built through the services), once
for every role. Exactly the roles in its `allowed` set get a 2xx answer; every other role is refused
(401/403/404; anonymous callers with code not_authenticated), and a refused call writes nothing: every
row of the engine's tables, the audit log and the signs of activeness are the same before and after.
Each call runs in a savepoint rolled back afterwards, so that every role meets the same state. The
same table is checked against `qogam.funding.permissions.can` directly.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from qogam.accounts.models import Role
from qogam.core.models import AuditEntry
from qogam.funding import services
from qogam.funding.models import Agreement, Application, Assignment
from qogam.funding.permissions import can, can_see_content
from qogam.reporting.models import ActivitySign
from tests.accounts.helpers import login_verified
from tests.funding.world import PDF, application_data, apply, score_all, staff

pytestmark = pytest.mark.django_db

API = "/api/funding/"
CLOSED = dt.date(2026, 6, 26)  # the day after the call's deadline (25 June 2026)
ROLES = ("anonymous", "ngo_a", "ngo_b", "expert_assigned", "expert_unassigned", "operator", "committee_member",
         "committee_other", "admin")
NGO = frozenset({"ngo_a"})
OPERATOR = frozenset({"operator", "admin"})
VIEWERS = frozenset({"ngo_a", "operator", "committee_member", "admin"})
EXPERT = frozenset({"expert_assigned"})
COMMITTEE = frozenset({"committee_member"})


# --- Lifecycle states, built through the services -----------------------------------------------------


def open_call(world, clock) -> dict:
    return {"call": world.call}


def draft(world, clock) -> dict:
    return {**open_call(world, clock), "application": apply(world, 0, world.lots[0], submit=False)}


def submitted(world, clock) -> dict:
    return {**open_call(world, clock), "application": apply(world, 0, world.lots[0])}


def in_compliance(world, clock) -> dict:
    state = submitted(world, clock)
    clock.set(CLOSED)
    services.call_close(actor=world.operator, call=world.call)
    return state


def admitted(world, clock) -> dict:
    state = in_compliance(world, clock)
    services.compliance_decide(actor=world.operator, application=state["application"], outcome="admitted",
                               checklist={"documents": {"ok": True}})
    return state


def rejected(world, clock) -> dict:
    state = in_compliance(world, clock)
    services.compliance_decide(actor=world.operator, application=state["application"], outcome="rejected",
                               checklist={"budget": {"ok": False, "reason": "Смета толық емес"}})
    return state


def appealed(world, clock) -> dict:
    state = rejected(world, clock)
    state["appeal"] = services.appeal_file(actor=world.reps[0], application=state["application"],
                                           grounds="Смета толық берілген")
    return state


def in_evaluation(world, clock) -> dict:
    state = admitted(world, clock)
    services.evaluation_start(actor=world.operator, call=world.call)
    state["assignment"] = Assignment.objects.filter(application=state["application"]).order_by("pk").first()
    return state


def declared(world, clock) -> dict:
    state = in_evaluation(world, clock)
    services.assignment_declare(actor=state["assignment"].expert.user, assignment=state["assignment"],
                                no_conflict=True)
    state["assignment"].refresh_from_db()
    return state


def scored(world, clock) -> dict:
    state = in_evaluation(world, clock)
    score_all(world, state["application"])
    return state


def decided(world, clock) -> dict:
    state = scored(world, clock)
    services.call_decide(actor=world.committee[0], call=world.call, minutes="Хаттама №1")
    state["agreement"] = Agreement.objects.get(application=state["application"])
    return state


def active(world, clock) -> dict:
    state = decided(world, clock)
    agreement = state["agreement"]
    clock.set(agreement.start_on)
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    state["due"] = agreement.schedule.order_by("due_on").first()
    return state


REPORT = {"indicators": [{"indicator": "оқытылған мұғалімдер", "target": "120", "achieved": "60"}],
          "beneficiaries": "300", "spending": {"Тренерлер": "700000"}, "narrative": "Бірінші жыл."}


def reported(world, clock) -> dict:
    state = active(world, clock)
    state["report"] = services.monitoring_report_submit(actor=world.reps[0], due=state["due"], content=REPORT)
    return state


# --- The actions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    stage: Callable
    request: Callable  # state -> (method, path, body, format)
    allowed: frozenset
    can: Callable | None = None  # (user, state) -> bool, the same decision taken directly
    check: Callable | None = field(default=None)  # (role, response) -> None, for allowed calls


def _version(state) -> int:
    return Application.objects.get(pk=state["application"].pk).version


def _created(w):
    return {"call": w.call.code, "lot": 1, "organisation": w.organisations[0].bin, "language": "kk",
            "title": "Жаңа жоба", **application_data()}


def _signed_side(role, response):
    body = response.json()
    ngo_side = role == "ngo_a"
    assert bool(body["signed_by_ngo_at"]) is ngo_side and bool(body["signed_by_operator_at"]) is not ngo_side, role


def _application_url(state, tail=""):
    return f"{API}applications/{state['application'].pk}/{tail}"


ACTIONS = {
    "application.create": Action(
        open_call, lambda s, w: ("post", f"{API}applications/", _created(w), "json"), NGO,
        lambda u, s, w: can(u, "application.edit", SimpleNamespace(organisation_id=w.organisations[0].pk))),
    "application.update": Action(
        draft, lambda s, w: ("patch", _application_url(s), {"version": _version(s), "title": "Өзгертілген"}, "json"),
        NGO, lambda u, s, w: can(u, "application.edit", s["application"])),
    "document.upload": Action(
        draft, lambda s, w: ("post", _application_url(s, "documents/"), {
            "file": SimpleUploadedFile("letters.pdf", PDF, "application/pdf"), "required_document": "letters"},
            "multipart"),
        NGO, lambda u, s, w: can(u, "application.edit", s["application"])),
    "application.submit": Action(
        draft, lambda s, w: ("post", _application_url(s, "submit/"), {"version": _version(s)}, "json"), NGO,
        lambda u, s, w: can(u, "application.submit", s["application"])),
    "application.withdraw": Action(
        submitted, lambda s, w: ("post", _application_url(s, "withdraw/"), {"reason": "Қайта қараймыз"}, "json"),
        NGO, lambda u, s, w: can(u, "application.withdraw", s["application"])),
    "application.view": Action(
        submitted, lambda s, w: ("get", _application_url(s), None, None), VIEWERS,
        lambda u, s, w: can(u, "application.view", s["application"])),
    "compliance.decide": Action(
        in_compliance, lambda s, w: ("post", _application_url(s, "compliance/"), {
            "outcome": "admitted", "checklist": {"documents": {"ok": True}}}, "json"),
        OPERATOR, lambda u, s, w: can(u, "compliance.decide", s["application"])),
    "evaluation.start": Action(
        admitted, lambda s, w: ("post", f"{API}calls/{w.call.code}/evaluation/", None, None), OPERATOR,
        lambda u, s, w: can(u, "call.manage")),
    "assignment.declare": Action(
        in_evaluation, lambda s, w: ("post", f"{API}assignments/{s['assignment'].pk}/declaration/",
                                     {"no_conflict": True}, "json"),
        EXPERT, lambda u, s, w: can(u, "assignment.declare", s["assignment"])),
    "assignment.view_content": Action(
        declared, lambda s, w: ("get", f"{API}assignments/{s['assignment'].pk}/", None, None), EXPERT,
        lambda u, s, w: can_see_content(u, s["assignment"])),
    "assignment.score": Action(
        declared, lambda s, w: ("post", f"{API}assignments/{s['assignment'].pk}/scores/", {"scores": {
            c.code: {"value": "8", "justification": "Мақсаттары нақты, іс-шаралары негізделген."}
            for c in w.call.criteria.all()}}, "json"),
        EXPERT, lambda u, s, w: can(u, "assignment.score", s["assignment"])),
    "call.decide": Action(
        scored, lambda s, w: ("post", f"{API}calls/{w.call.code}/decision/", {"minutes": "Хаттама №1"}, "json"),
        COMMITTEE, lambda u, s, w: can(u, "call.decide", w.call)),
    "agreement.prepare": Action(
        decided, lambda s, w: ("post", f"{API}agreements/{s['agreement'].pk}/prepare/", {
            "start_on": s["agreement"].start_on.isoformat(), "end_on": s["agreement"].end_on.isoformat(),
            "tranches": [{"due_on": s["agreement"].start_on.isoformat(), "amount": int(s["agreement"].amount)}]},
            "json"),
        OPERATOR, lambda u, s, w: can(u, "agreement.manage", s["agreement"])),
    "agreement.sign": Action(
        decided, lambda s, w: ("post", f"{API}agreements/{s['agreement'].pk}/sign/", None, None), NGO | OPERATOR,
        lambda u, s, w: can(u, "agreement.sign", s["agreement"]), _signed_side),
    "tranche.pay": Action(
        active, lambda s, w: ("post", f"{API}agreements/{s['agreement'].pk}/tranches/1/pay/", {}, "json"), OPERATOR,
        lambda u, s, w: can(u, "agreement.manage", s["agreement"])),
    "monitoring.submit": Action(
        active, lambda s, w: ("post", f"{API}agreements/{s['agreement'].pk}/reports/", {"due": s["due"].pk, **REPORT},
                              "json"),
        NGO, lambda u, s, w: can(u, "monitoring.submit", s["agreement"])),
    "monitoring.review": Action(
        reported, lambda s, w: ("post", f"{API}monitoring-reports/{s['report'].pk}/review/", {"accept": True},
                                "json"),
        OPERATOR, lambda u, s, w: can(u, "monitoring.review", s["agreement"])),
    "agreement.terminate": Action(
        active, lambda s, w: ("post", f"{API}agreements/{s['agreement'].pk}/terminate/", {
            "reason": "Шарт талаптары бұзылды", "refund": 0}, "json"),
        OPERATOR, lambda u, s, w: can(u, "agreement.manage", s["agreement"])),
    "appeal.file": Action(
        rejected, lambda s, w: ("post", _application_url(s, "appeal/"), {"grounds": "Смета толық берілген"}, "json"),
        NGO, lambda u, s, w: can(u, "appeal.file", s["application"])),
    "appeal.decide": Action(
        appealed, lambda s, w: ("post", f"{API}appeals/{s['appeal'].pk}/decision/", {
            "grant": False, "outcome": "Шешім күшінде қалады."}, "json"),
        COMMITTEE, lambda u, s, w: can(u, "appeal.decide", s["appeal"])),
}


# --- The roles ------------------------------------------------------------------------------------------------


def role_users(world, state) -> dict:
    """Who plays each role in `state`. Experts: one on the application's assignment (or the first of
    the pool before the evaluation) and one the assignment plan left off the application."""
    assignment = state.get("assignment")
    if assignment is not None:
        on_it = set(Assignment.objects.filter(application=assignment.application).values_list("expert_id", flat=True))
        assigned = assignment.expert
        unassigned = next(e for e in world.experts if e.pk not in on_it)
    else:
        assigned, unassigned = world.experts[0], world.experts[-1]
    return {
        "anonymous": AnonymousUser(),
        "ngo_a": world.reps[0],
        "ngo_b": world.reps[1],
        "expert_assigned": assigned.user,
        "expert_unassigned": unassigned.user,
        "operator": world.operator,
        "committee_member": world.committee[0],
        "committee_other": staff(Role.COMMITTEE),
        "admin": staff(Role.ADMIN),
    }


def written_state() -> dict:
    """Every row of the engine's tables, the audit log's length and the signs of activeness."""
    rows = {model._meta.label: list(model.objects.order_by("pk").values())
            for model in apps.get_app_config("funding").get_models()}
    rows["core.AuditEntry"] = AuditEntry.objects.count()
    rows["reporting.ActivitySign"] = list(ActivitySign.objects.order_by("pk").values())
    return rows


def _send(client, method, path, body, fmt):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, format=fmt)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_role_action_matrix(name, funding_world, funding_clock):
    action = ACTIONS[name]
    world = funding_world
    state = action.stage(world, funding_clock)
    users = role_users(world, state)
    clients = {role: APIClient() if role == "anonymous" else login_verified(APIClient(), user)
               for role, user in users.items()}
    wrong = []
    for role in ROLES:
        method, path, body, fmt = action.request(state, world)
        savepoint = transaction.savepoint()
        before = written_state()
        response = _send(clients[role], method, path, body, fmt)
        after = written_state()
        if role in action.allowed:
            if not 200 <= response.status_code < 300:
                wrong.append(f"{role}: expected 2xx, got {response.status_code} {response.content[:300]!r}")
            elif action.check:
                action.check(role, response)
            if method != "get" and after == before:
                wrong.append(f"{role}: allowed, but nothing was written")
        else:
            if response.status_code not in (401, 403, 404):
                wrong.append(f"{role}: expected a refusal, got {response.status_code} {response.content[:300]!r}")
            elif role == "anonymous" and response.json()["code"] != "not_authenticated":
                wrong.append(f"anonymous: expected not_authenticated, got {response.json()}")
            if after != before:
                changed = sorted(k for k in before if before[k] != after[k])
                wrong.append(f"{role}: refused, but wrote to {changed}")
        transaction.savepoint_rollback(savepoint)
    assert not wrong, f"{name}:\n" + "\n".join(wrong)

    if action.can:
        decided_by_can = {role for role in ROLES if action.can(users[role], state, world)}
        assert decided_by_can == set(action.allowed), f"{name}: permissions.can allows {sorted(decided_by_can)}"


def test_matrix_covers_every_role_and_the_briefs_actions():
    assert len(ROLES) == 9
    assert {"application.create", "application.update", "application.submit", "application.withdraw",
            "application.view", "compliance.decide", "evaluation.start", "assignment.declare", "assignment.score",
            "call.decide", "agreement.sign", "monitoring.submit", "monitoring.review", "appeal.file",
            "appeal.decide"} <= set(ACTIONS)


def test_unverified_staff_hold_no_powers(funding_world, funding_clock):
    """Staff signed in without the second factor are refused like strangers, and nothing is written."""
    world = funding_world
    state = in_compliance(world, funding_clock)
    client = APIClient()
    client.force_login(world.operator)
    before = written_state()
    response = client.post(f"{API}applications/{state['application'].pk}/compliance/", {
        "outcome": "admitted", "checklist": {}}, format="json")
    assert response.status_code in (401, 403)
    assert written_state() == before
