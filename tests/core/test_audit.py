"""The audit log: append-only, hash-chained, gapless, tamper-evident, without personal data in clear."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from qogam.core import audit
from qogam.core.models import AuditEntry, AuditHead
from tests.core.concurrency import committed_outside

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def _fill(n=30):
    for i in range(n):
        audit.record(
            action="thing_update",
            object_type="tests.thing",
            object_id=i,
            before={"n": i, "nested": {"list": [1, 2]}},
            after={"n": i + 1, "when": "2024-01-01"},
        )


def test_chain_verifies_after_many_records(admin_user):
    _fill(40)
    audit.record_many(
        [audit.Change("bulk", "tests.thing", str(i), None, {"i": i}) for i in range(260)], actor=admin_user
    )
    result = audit.verify()
    assert result.ok, result.problem
    assert result.checked == 300
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 301))
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (300, AuditEntry.objects.get(seq=300).hash)


def test_entries_link_to_their_predecessor():
    _fill(5)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert entries[0].prev_hash == audit.GENESIS
    for prev, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == prev.hash


def test_actor_is_recorded(admin_user):
    entry = audit.record(action="x", object_type="t", object_id=1, actor=admin_user)
    assert entry.actor_id == admin_user.pk and admin_user.username in entry.actor
    assert audit.record(action="x", object_type="t", object_id=2).actor == "system"


def test_empty_chain_is_intact():
    result = audit.verify()
    assert result.ok and result.checked == 0


TAMPERING = [
    ("at", lambda e: e.at.replace(year=e.at.year - 1)),
    ("actor", lambda e: "someone else"),
    ("actor_id", lambda e: 999),
    ("action", lambda e: "thing_delete"),
    ("object_type", lambda e: "tests.other"),
    ("object_id", lambda e: "9999"),
    ("before", lambda e: {"n": -1}),
    ("after", lambda e: None),
    ("prev_hash", lambda e: "f" * 64),
    ("hash", lambda e: "e" * 64),
    ("seq", lambda e: 10_000),
]


@pytest.mark.parametrize(("field", "new_value"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_altering_any_field_of_an_entry_is_detected_and_named(field, new_value):
    _fill(10)
    entry = AuditEntry.objects.get(seq=6)
    AuditEntry.objects.filter(pk=entry.pk).update(**{field: new_value(entry)})
    result = audit.verify()
    assert not result.ok
    assert result.seq == 6
    assert "#6" in result.problem
    assert result.checked == 5


def test_rewriting_an_entry_with_a_fresh_hash_is_caught_at_the_next_link():
    _fill(10)
    entry = AuditEntry.objects.get(seq=4)
    forged_after = {"n": 1000}
    forged_hash = audit.entry_hash(
        seq=entry.seq, at=entry.at, actor_id=entry.actor_id, actor=entry.actor, action=entry.action,
        object_type=entry.object_type, object_id=entry.object_id, before=entry.before, after=forged_after,
        prev_hash=entry.prev_hash,
    )
    AuditEntry.objects.filter(pk=entry.pk).update(after=forged_after, hash=forged_hash)
    result = audit.verify()
    assert not result.ok and result.seq == 5
    assert "entry #5 does not link to entry #4" in result.problem


def test_deleting_a_middle_entry_is_detected():
    _fill(10)
    AuditEntry.objects.filter(seq=7).delete()
    result = audit.verify()
    assert not result.ok and result.seq == 7
    assert "entry #7 is missing" in result.problem


def test_deleting_the_last_entry_is_detected_through_the_head():
    _fill(10)
    AuditEntry.objects.filter(seq=10).delete()
    result = audit.verify()
    assert not result.ok and result.seq == 10
    assert "entry #10 and later were removed" in result.problem


def test_deleting_every_entry_is_detected_through_the_head():
    _fill(3)
    AuditEntry.objects.all().delete()
    result = audit.verify()
    assert not result.ok and result.seq == 1


def test_deleting_the_head_is_detected():
    _fill(3)
    AuditHead.objects.all().delete()
    result = audit.verify()
    assert not result.ok and "head" in result.problem


def test_replacing_the_last_entry_is_detected_through_the_head():
    _fill(3)
    last = AuditEntry.objects.get(seq=3)
    after = {"n": "forged"}
    forged = audit.entry_hash(
        seq=3, at=last.at, actor_id=last.actor_id, actor=last.actor, action=last.action,
        object_type=last.object_type, object_id=last.object_id, before=last.before, after=after,
        prev_hash=last.prev_hash,
    )
    AuditEntry.objects.filter(seq=3).update(after=after, hash=forged)
    result = audit.verify()
    assert not result.ok and result.seq == 3 and "head" in result.problem


def test_an_entry_appended_behind_the_heads_back_is_detected():
    _fill(3)
    last = AuditEntry.objects.get(seq=3)
    fields = dict(
        seq=4, at=last.at, actor_id=None, actor="system", action="forged", object_type="t", object_id="1",
        before=None, after=None,
    )
    AuditEntry.objects.create(prev_hash=last.hash, hash=audit.entry_hash(prev_hash=last.hash, **fields), **fields)
    result = audit.verify()
    assert not result.ok and result.seq == 4


def test_personal_fields_are_stored_redacted_at_any_depth():
    entry = audit.record(
        action="founder_add",
        object_type="registry.founder",
        object_id=1,
        before=None,
        after={
            "full_name": "Әлия Серікқызы Нұрланова",
            "iin": "900101400123",
            "email": "aliya@example.kz",
            "kind": "individual",
            "founders": [{"full_name": "Иван Петров", "iin_hash": "abc", "share": 50}],
            "leader": {"last_name": "Ахметов", "first_name": "Ерлан"},
        },
    )
    stored = AuditEntry.objects.get(pk=entry.pk).after
    text = str(stored)
    for secret in ("Әлия", "900101400123", "aliya@", "Иван", "Петров", "Ахметов", "Ерлан", "'abc'"):
        assert secret not in text
    assert stored["kind"] == "individual"
    assert stored["founders"][0]["share"] == 50
    assert stored["full_name"].startswith("redacted:")
    assert stored["leader"]["last_name"].startswith("redacted:")
    assert audit.verify().ok


def test_redaction_is_stable_and_keyed(settings, tmp_path):
    first = audit.redact({"iin": "900101400123"})["iin"]
    assert first == audit.redact({"iin": "900101400123"})["iin"]
    assert first != audit.redact({"iin": "900101400124"})["iin"]
    settings.QOGAM_PERSONAL_KEY_FILE = tmp_path / "another.key"
    assert audit.redact({"iin": "900101400123"})["iin"] != first


def test_empty_personal_values_stay_empty():
    assert audit.redact({"full_name": "", "iin": None}) == {"full_name": "", "iin": None}


def test_values_of_any_type_are_stored():
    import datetime as dt
    import uuid
    from decimal import Decimal

    from django.utils.translation import gettext_lazy

    entry = audit.record(
        action="x",
        object_type="t",
        object_id=1,
        after={
            "amount": Decimal("1250000.50"),
            "on": dt.date(2024, 3, 31),
            "token": uuid.UUID(int=5),
            "label": gettext_lazy("region"),
            "tags": {"b", "a"},
        },
    )
    stored = AuditEntry.objects.get(pk=entry.pk).after
    assert stored["amount"] == "1250000.50" and stored["on"] == "2024-03-31"
    assert stored["tags"] == ["a", "b"] and stored["token"] == str(uuid.UUID(int=5)) and stored["label"] == "region"
    assert audit.verify().ok


THREADS = 6
PER_THREAD = 8


def test_concurrent_writers_do_not_fork_the_chain(tmp_path):
    """Each thread has its own connection and commits for real; the head lock keeps the chain one line."""
    if connection.vendor == "sqlite":
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "qogam.settings",
            "QOGAM_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
        }
        done = subprocess.run(
            [sys.executable, "-m", "tests.core.concurrency", str(THREADS), str(PER_THREAD)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        outcome = json.loads(done.stdout)
    else:
        outcome = committed_outside(THREADS, PER_THREAD)
        assert not AuditEntry.objects.exists()
    total = THREADS * PER_THREAD
    assert outcome["errors"] == []
    assert outcome["verifications"] >= 1 and outcome["verification_failures"] == []
    assert outcome["seqs"] == list(range(1, total + 1))
    assert outcome["objects"] == total
    assert outcome["ok"], outcome["problem"]
    assert outcome["checked"] == total
