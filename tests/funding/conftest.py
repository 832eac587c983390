"""Shared fixtures of the competition engine's tests (additive: add fixtures below, keep these as they are).

- `funding_clock`: the engine's clock (`tests.funding.world.Clock`) at Wednesday 10 June 2026, inside the
  call's window (1–25 June 2026). `funding_clock.set(date)` moves it.
- `funding_world`: a `tests.funding.world.World` built by `world.build(experts=4, organisations=2)` and
  published, so its call is OPEN: org A = `organisations[0]` with its representative `reps[0]`, org B =
  `organisations[1]` with `reps[1]`; `operator`; `committee` (2 members, both on the call); `experts`
  (4 `funding.Expert` rows, direction education); `programme`; `call` with 2 `lots` (5 m and 4 m KZT).
  Every user is OTP-verified for direct service calls; sign them in with
  `tests.accounts.helpers.login_verified`.
"""

import datetime as dt

import pytest

from qogam.funding import services
from tests.funding.world import Clock, build


@pytest.fixture
def funding_clock(monkeypatch):
    return Clock(monkeypatch, dt.date(2026, 6, 10))


@pytest.fixture
def funding_world(db, funding_clock):
    world = build(experts=4, organisations=2)
    services.call_publish(actor=world.operator, call=world.call)
    world.call.refresh_from_db()
    return world
