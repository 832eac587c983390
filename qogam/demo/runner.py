"""Runs the demo generators in order, and knows whether a database already holds demo data.

Every domain has one module with `generate(ctx)` and `wipe()`. Later mechanisms add their module
to GENERATORS after the ones they build on; `--reset` wipes them in reverse order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from django.db import transaction

from qogam.core import audit
from qogam.demo import analytics, councils, funding, mechanisms, registry, reporting, statebodies, users
from qogam.demo.context import DemoContext

GENERATORS: tuple[tuple[str, ModuleType], ...] = (
    ("state bodies", statebodies),
    ("register of organisations", registry),
    ("demo users", users),
    ("annual reports", reporting),
    ("state grants", funding),
    ("social order, awards and partnership", mechanisms),
    ("public councils, the Civil Forum and recommendations", councils),
    ("indicators of the sector", analytics),
)

RUN_OBJECT_TYPE = "demo.run"
GENERATED, RESET = "demo_generate", "demo_reset"


@dataclass
class DemoState:
    """What the database holds: nothing, a finished demo, or data the demo did not finish (or make)."""

    kind: str  # "empty" | "complete" | "foreign"
    details: dict

    @property
    def empty(self) -> bool:
        return self.kind == "empty"


def demo_state() -> DemoState:
    from qogam.accounts.models import User
    from qogam.core.models import AuditEntry
    from qogam.registry.models import Organisation, StateBody

    has_data = (
        Organisation.objects.exists()
        or StateBody.objects.exists()
        or User.objects.filter(username__in=users.USERNAMES).exists()
    )
    if not has_data:
        return DemoState("empty", {})
    last = AuditEntry.objects.filter(object_type=RUN_OBJECT_TYPE).order_by("-seq").values("action", "after").first()
    if last and last["action"] == GENERATED:
        return DemoState("complete", last["after"] or {})
    return DemoState("foreign", {})


def generate(ctx: DemoContext, *, progress: Callable[[str], None] = lambda message: None) -> dict:
    """Run every generator; return their timings in seconds. The database must hold no demo data."""
    timings = {}
    for label, module in GENERATORS:
        started = time.monotonic()
        progress(f"Generating {label}…")
        module.generate(ctx)
        timings[label] = round(time.monotonic() - started, 1)
    audit.record(
        action=GENERATED, object_type=RUN_OBJECT_TYPE, object_id=str(ctx.seed),
        after={"seed": ctx.seed, "scale": ctx.scale, "today": ctx.today, "counts": dict(ctx.counts)},
    )
    return timings


def wipe() -> dict:
    """Remove everything the generators make, newest domain first, and record it in the audit log."""
    removed = {}
    with transaction.atomic():
        for label, module in reversed(GENERATORS):
            removed[label] = module.wipe()
        audit.record(action=RESET, object_type=RUN_OBJECT_TYPE, object_id="", after={"removed": removed})
    return removed
