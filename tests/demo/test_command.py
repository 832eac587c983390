"""`qogam demo --no-serve`: generation, re-runs that serve without duplicating, --reset, refusals,
and determinism by seed."""

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qogam.core import audit
from qogam.core.models import AuditEntry
from qogam.demo import registry, runner
from qogam.demo.context import DemoContext
from qogam.registry.models import Founder, Organisation, StateBody
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SCALE = "0.01"


def demo(*args) -> str:
    out = StringIO()
    call_command("demo", "--scale", SCALE, "--no-serve", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), StateBody.objects.count(), Founder.objects.count()


def digest() -> str:
    """A digest of everything generated that the seed decides (not times, not keyed hashes)."""
    rows = []
    for org in Organisation.objects.prefetch_related("directions", "branch_regions", "founders").select_related(
        "leader"
    ).order_by("bin"):
        rows.append([
            org.bin, org.name_ru, org.name_kk, org.legal_form_id, str(org.registered_on), org.status,
            str(org.liquidated_on), org.region_id, org.address, org.territorial_level, org.email, org.phone,
            org.website, org.leader_gender, org.leader.full_name,
            sorted(d.code for d in org.directions.all()), sorted(r.kato for r in org.branch_regions.all()),
            sorted([f.kind, f.bin, f.entity_name, f.full_name] for f in org.founders.all()),
        ])
    for body in StateBody.objects.select_related("parent").order_by("bin"):
        rows.append([body.bin, body.name_ru, body.name_kk, body.name_en, body.level, body.kind, body.region_id,
                     body.parent.bin if body.parent else None])
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def test_generates_and_prints_the_logins():
    out = demo()
    assert "audit chain verified" in out
    for username in ("demo-ngo", "demo-official", "demo-operator", "demo-expert", "demo-secretary", "demo-analyst",
                     "demo-admin"):
        assert username in out
    assert "demo-Qogam-2026" in out and "totp-code <username>" in out
    assert counts()[0] > 0 and audit.verify().ok


def test_a_second_run_serves_the_same_data_and_reset_regenerates_it():
    demo()
    before = counts()
    first = digest()
    out = demo()
    assert "already holds the demo" in out
    assert counts() == before and digest() == first
    out = demo("--reset")
    assert "Wiping the previous demo data" in out
    assert counts() == before and digest() == first
    assert AuditEntry.objects.filter(action="demo_reset").count() == 1
    assert audit.verify().ok


def test_refuses_a_database_with_data_it_did_not_generate():
    OrganisationFactory()
    with pytest.raises(CommandError, match="--reset"):
        demo()
    assert Organisation.objects.count() == 1
    demo("--reset")
    assert Organisation.objects.count() > 1 and audit.verify().ok


@pytest.mark.parametrize("scale", ["0", "-2", "many"])
def test_rejects_a_scale_that_is_not_positive(scale):
    with pytest.raises(CommandError, match="positive number"):
        call_command("demo", "--scale", scale, "--no-serve", stdout=StringIO())
    assert Organisation.objects.count() == 0


def test_same_seed_gives_identical_data_and_another_seed_different_data():
    today = dt.date(2026, 11, 23)
    runner.generate(DemoContext(seed=7, scale=0.01, today=today))
    first = digest()
    runner.wipe()
    assert counts() == (0, 0, 0)
    runner.generate(DemoContext(seed=7, scale=0.01, today=today))
    assert digest() == first
    runner.wipe()
    runner.generate(DemoContext(seed=8, scale=0.01, today=today))
    assert digest() != first
    assert audit.verify().ok


def test_build_is_deterministic_without_the_database_writes():
    today = dt.date(2026, 11, 23)

    def names(seed):
        return [(s.bin, s.name_ru, s.name_kk, s.registered_on) for s in
                registry.build(DemoContext(seed=seed, scale=0.01, today=today))]

    assert names(1) == names(1)
    assert names(1) != names(2)
