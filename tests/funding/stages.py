"""The stages of a call for the engine's page tests (applicant, expert, public, operator, committee,
agreement PDF), built through the services on `funding_world` (`tests/funding/conftest.py`), and the
clock the pages read.

Each test module keeps its own `clock` and `world` fixtures:

    @pytest.fixture
    def clock(funding_clock, monkeypatch):
        return page_clock(funding_clock, monkeypatch)
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation

from qogam.core.models import AuditEntry
from qogam.funding import services
from qogam.funding.models import Agreement
from tests.funding.world import apply, score_all

# The page modules that read today's date (deadlines, overdue highlighting, the time to appeal).
PAGE_MODULES = ("applicant", "expert", "public", "operator")


def page_clock(funding_clock, monkeypatch):
    """The engine's clock (`funding_clock`), also read by the pages."""
    original = funding_clock.set

    def set_(today):
        original(today)
        for module in PAGE_MODULES:
            monkeypatch.setattr(f"qogam.funding.views.{module}.almaty_today", lambda: today)

    funding_clock.set = set_
    funding_clock.set(funding_clock.today)
    return funding_clock


def url(name, *args, lang="en", query=""):
    with translation.override(lang):
        return reverse(f"funding:{name}", args=args) + query


def text(response) -> str:
    return response.content.decode()


def audit(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def to_compliance(world, clock, count=2):
    """`count` submitted applications of 3 m KZT (lot 1, then lot 2) and the call closed: compliance
    check open."""
    applications = [apply(world, i, world.lots[i % 2]) for i in range(count)]
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    world.call.refresh_from_db()
    return applications


def to_evaluation(world, clock, count=2):
    """`to_compliance`, every application admitted and the expert evaluation started."""
    applications = to_compliance(world, clock, count)
    for a in applications:
        services.compliance_decide(actor=world.operator, application=a, outcome="admitted",
                                   checklist={"documents": {"ok": True}})
    services.evaluation_start(actor=world.operator, call=world.call)
    world.call.refresh_from_db()
    return applications


def decided(world, clock, count=2):
    """A decided call: every application funded (3 m each, lots of 5 m and 4 m), with draft agreements."""
    applications = to_evaluation(world, clock, count)
    for a in applications:
        score_all(world, a)
    services.call_decide(actor=world.committee[0], call=world.call, minutes="Хаттама №1")
    for a in applications:
        a.refresh_from_db()
    return applications


def running_agreement(world, clock) -> Agreement:
    """The first organisation's agreement, signed by both parties on its start date."""
    application = decided(world, clock, 1)[0]
    agreement = application.agreement
    clock.set(agreement.start_on)
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    agreement.refresh_from_db()
    return agreement
