"""The audit log: append-only and hash-chained. Every state change appends one entry here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

GENESIS = "0" * 64

# Personal fields: stored redacted (a keyed hash), so the log never holds personal data in clear,
# while a change of the value still shows as a change. Matched by key at any depth.
PERSONAL_FIELDS = frozenset(
    {
        "full_name",
        "first_name",
        "last_name",
        "middle_name",
        "patronymic",
        "birth_date",
        "iin",
        "iin_hash",
        "email",
        "person_email",
        "person_phone",
        "personal_email",
        "personal_phone",
        "password",
    }
)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    # Decimal, UUID, lazy translations, files and anything else: their text.
    return str(value)


def _redacted(value) -> str:
    from qogam.core.personal import iin_hash

    return "redacted:" + iin_hash(json.dumps(value, sort_keys=True, ensure_ascii=False))[:16]


def _redact(value):
    if isinstance(value, dict):
        return {
            key: _redacted(item) if key in PERSONAL_FIELDS and item not in (None, "", [], {}) else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact(item) for item in value]
    return value


def redact(data):
    """`data` made JSON-safe, with every personal field replaced by a keyed hash."""
    if data is None:
        return None
    return _redact(_jsonable(data))


def entry_hash(*, seq, at, actor_id, actor, action, object_type, object_id, before, after, prev_hash) -> str:
    payload = json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": before,
            "after": after,
            "prev": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Change:
    action: str
    object_type: str
    object_id: str
    before: dict | None = None
    after: dict | None = None


def _actor_fields(actor):
    if actor is None or not getattr(actor, "pk", None):
        return None, "system" if actor is None else "anonymous"
    return actor.pk, f"{actor.get_username()} ({getattr(actor, 'role', '')})"


def record_many(changes: list[Change], *, actor=None) -> list:
    """Append entries for `changes`, locking the head so concurrent writers cannot fork the chain.

    Part of the caller's transaction (no savepoint of its own): if the caller's writes roll back, so do
    their entries. Plain SQL (core.sql): this runs behind every write of the system.
    """
    from qogam.core.models import AuditEntry, AuditHead
    from qogam.core.sql import insert_objects

    if not changes:
        return []
    quote = connection.ops.quote_name
    head_table = quote(AuditHead._meta.db_table)
    # The head row is the lock: PostgreSQL holds it FOR UPDATE until commit; SQLite runs every
    # transaction IMMEDIATE (settings), so writers queue on the database lock.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('seq')}, {quote('hash')} FROM {head_table} WHERE {quote('id')} = 1{lock}")
        row = cursor.fetchone()
        if row is None:
            AuditHead.objects.get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})
            cursor.execute(f"SELECT {quote('seq')}, {quote('hash')} FROM {head_table} WHERE {quote('id')} = 1{lock}")
            row = cursor.fetchone()
        seq, prev = row
        actor_id, actor_name = _actor_fields(actor)
        now = timezone.now()
        entries = []
        for change in changes:
            seq += 1
            fields = dict(
                seq=seq,
                at=now,
                actor_id=actor_id,
                actor=actor_name,
                action=change.action,
                object_type=change.object_type,
                object_id=str(change.object_id),
                before=redact(change.before),
                after=redact(change.after),
            )
            digest = entry_hash(prev_hash=prev, **fields)
            entries.append(AuditEntry(prev_hash=prev, hash=digest, **fields))
            prev = digest
        insert_objects(entries)
        cursor.execute(f"UPDATE {head_table} SET {quote('seq')} = %s, {quote('hash')} = %s WHERE {quote('id')} = 1",
                       [seq, prev])
        return entries


def record(*, action: str, obj=None, object_type: str = "", object_id="", before=None, after=None, actor=None):
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
    return record_many([Change(action, object_type, str(object_id), before, after)], actor=actor)[0]


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def _head():
    from qogam.core.models import AuditHead

    return AuditHead.objects.filter(id=1).values("seq", "hash").first()


def verify() -> VerifyResult:
    """Walk the chain: gapless sequence, each entry's own hash, links, and the stored head.

    On a broken chain `seq` is the first entry that fails and `problem` says why. Safe while others
    write: the head is read before and after the walk, and an honest append moves entry and head in
    one transaction, so the walk ends between the two heads.
    """
    from qogam.core.models import AuditEntry

    head_before = _head()
    prev = GENESIS
    expected_seq = 1
    checked = 0
    fields = ("seq", "at", "actor_id", "actor", "action", "object_type", "object_id", "before", "after")
    for entry in AuditEntry.objects.order_by("seq").values(*fields, "prev_hash", "hash").iterator(chunk_size=2000):
        seq = entry["seq"]
        if seq != expected_seq:
            return VerifyResult(
                False, checked, f"entry #{expected_seq} is missing (the next entry is #{seq})", expected_seq
            )
        if entry["prev_hash"] != prev:
            problem = (
                f"entry #{seq} does not link to entry #{seq - 1}: entry #{seq - 1} was replaced "
                f"or this entry's link was altered"
                if seq > 1
                else "entry #1 does not start the chain: its link was altered"
            )
            return VerifyResult(False, checked, problem, seq)
        digest = entry_hash(prev_hash=entry["prev_hash"], **{f: entry[f] for f in fields})
        if digest != entry["hash"]:
            return VerifyResult(False, checked, f"entry #{seq} was altered: its content does not match its hash", seq)
        prev = digest
        expected_seq += 1
        checked += 1
    head_after = _head()
    if head_after is None:
        if checked:
            return VerifyResult(False, checked, "the chain head record was removed", None)
        return VerifyResult(True, 0)
    low = head_before["seq"] if head_before else 0
    if checked < low:
        return VerifyResult(
            False, checked, f"entry #{checked + 1} and later were removed (the head records #{low})", checked + 1
        )
    if checked > head_after["seq"]:
        return VerifyResult(
            False,
            checked,
            f"entry #{head_after['seq'] + 1} was appended without moving the head "
            f"(the head records #{head_after['seq']})",
            head_after["seq"] + 1,
        )
    for head in (head_before, head_after):
        if head and head["seq"] == checked and head["hash"] != prev:
            return VerifyResult(
                False,
                checked,
                f"entry #{checked} does not match the head's hash: it was replaced, or the head altered",
                checked,
            )
    return VerifyResult(True, checked)
