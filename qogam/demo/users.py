"""One demo user per role, with the fixed demo password and, for staff roles, a TOTP device."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from qogam.accounts.models import STAFF_ROLES, Representation, Role, User
from qogam.accounts.services import DEMO_DEVICE_NAME, totp_device_create
from qogam.core import audit
from qogam.demo.context import DemoContext
from qogam.demo.geography import ALMATY
from qogam.demo.names import person_name
from qogam.registry.models import Organisation

DEMO_PASSWORD = "demo-Qogam-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    state_body: str | None  # key of a body made by statebodies.generate
    try_this: str

    @property
    def needs_totp(self) -> bool:
        return self.role in STAFF_ROLES


LOGINS = (
    DemoLogin("demo-ngo", Role.NGO, None,
              "edit your organisation's register entry; a second request waits in the queue"),
    DemoLogin("demo-official", Role.OFFICIAL, f"dept:{ALMATY}:internal_policy",
              "act for the internal-policy department of the Almaty akimat: its state social order tenders, "
              "the topics proposed to it and the recommendations addressed to it"),
    DemoLogin("demo-operator", Role.OPERATOR, "operator",
              "staff of the grant operator, NJSC Center for Support of Civil Initiatives"),
    DemoLogin("demo-expert", Role.EXPERT, None, "an expert's cabinet; experts may also represent NGOs"),
    DemoLogin("demo-committee", Role.COMMITTEE, None,
              "decide the call the demo expert is scoring, answer the pending appeal"),
    DemoLogin("demo-secretary", Role.COUNCIL_SECRETARY, "mci",
              "secretary of the public council at the Ministry of Culture and Information: its meetings, "
              "minutes and recommendations"),
    DemoLogin("demo-analyst", Role.ANALYST, "mci.civil_society",
              "the authorised body: approve demo-ngo's pending request, add and edit organisations; the "
              "ministry's panels of /analytics/ and a recomputation of the indicators"),
    DemoLogin("demo-ministry", Role.OFFICIAL, "mci",
              "a ministry official: its strategic partnership, its state social order, the topics sent to it "
              "and the recommendations to answer"),
    DemoLogin("demo-working-group", Role.WORKING_GROUP, None,
              "an NGO award working group: score the open award call's applications, then shortlist them"),
    DemoLogin("demo-admin", Role.ADMIN, None, "everything, and the admin site at /admin/ (reference data, audit log)"),
)
USERNAMES = tuple(login.username for login in LOGINS)


def _state_body(ctx: DemoContext, key: str | None):
    if key is None:
        return None
    bodies = ctx.objects.get("state_bodies", {})
    if key in bodies:
        return bodies[key]
    return bodies.get(f"akimat:{ALMATY}") if key.startswith("dept:") else None


def _organisations_for_ngo_user(ctx: DemoContext) -> list[Organisation]:
    """A registered, active public association (or fund) of Almaty with both names, and a second one."""
    rng = ctx.rng("users")
    organisations = [o for o in ctx.objects.get("organisations", []) if o.status == Organisation.Status.REGISTERED]
    intent = ctx.objects.get("activity_intent", {})
    preferences = (
        lambda o: o.region_id == ALMATY and o.legal_form_id == "public_association" and intent.get(o.pk)
        and o.name_ru and o.name_kk and o.email,
        lambda o: o.legal_form_id in ("public_association", "public_fund") and intent.get(o.pk),
        lambda o: True,
    )
    chosen: list[Organisation] = []
    for wanted in preferences:
        candidates = [o for o in organisations if wanted(o) and o not in chosen]
        while candidates and len(chosen) < 2:
            pick = rng.choice(candidates)
            chosen.append(pick)
            candidates.remove(pick)
        if len(chosen) == 2:
            break
    return chosen


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng("users")
    encoded = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    with transaction.atomic():
        for login in LOGINS:
            female = rng.random() < 0.5
            surname, first_name, _patronymic = person_name(rng, female=female, russian=rng.random() < 0.2).split(" ")
            user = User(
                username=login.username, email=f"{login.username}@demo.qogam.kz", role=login.role,
                first_name=first_name, last_name=surname, password=encoded,
                state_body=_state_body(ctx, login.state_body),
                is_staff=login.role == Role.ADMIN, is_superuser=login.role == Role.ADMIN,
            )
            user.save()
            users[login.username] = user
            audit.record(
                action="accounts.user_create", obj=user, actor=None,
                after={"username": user.username, "role": user.role, "first_name": user.first_name,
                       "last_name": user.last_name, "email": user.email,
                       "state_body": user.state_body.bin if user.state_body else None, "source": "demo"},
            )
        for login in LOGINS:
            if login.needs_totp:
                totp_device_create(user=users[login.username], confirmed=True, name=DEMO_DEVICE_NAME)
        organisations = _organisations_for_ngo_user(ctx)
        decided_by = users["demo-analyst"]
        for index, organisation in enumerate(organisations):
            approved = index == 0
            rep = Representation.objects.create(
                user=users["demo-ngo"], organisation=organisation, position="Председатель правления",
                status=Representation.Status.APPROVED if approved else Representation.Status.PENDING,
                decided_at=timezone.now() if approved else None, decided_by=decided_by if approved else None,
            )
            audit.record(
                action="accounts.representation_approve" if approved else "accounts.representation_request",
                obj=rep, actor=decided_by if approved else users["demo-ngo"],
                after={"user_id": rep.user_id, "organisation_bin": organisation.bin, "status": rep.status,
                       "position": rep.position, "source": "demo"},
            )
    ctx.objects["users"] = users
    ctx.objects["ngo_user_organisation"] = organisations[0] if organisations else None
    ctx.count("users", len(users))
    ctx.log(f"  {len(users)} demo users, one per role")


def wipe() -> int:
    """Remove the demo users (their devices and representations go with them)."""
    return User.objects.filter(username__in=USERNAMES).delete()[1].get("accounts.User", 0)
