"""The audit log: append-only and hash-chained. Every state change appends one entry here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

GENESIS = "0" * 64

# Personal fields: stored redacted (a hash), so the log never holds personal data in clear.
PERSONAL_FIELDS = frozenset(
    {"full_name", "iin", "iin_hash", "first_name", "last_name", "password", "person_email", "person_phone"}
)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def redact(data):
    if data is None:
        return None
    out = {}
    for key, value in _jsonable(data).items():
        if key in PERSONAL_FIELDS and value not in (None, ""):
            out[key] = "redacted:" + hashlib.sha256(str(value).encode()).hexdigest()[:16]
        else:
            out[key] = value
    return out


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
    """Append entries for `changes`, locking the head so concurrent writers cannot fork the chain."""
    from qogam.core.models import AuditEntry, AuditHead

    if not changes:
        return []
    with transaction.atomic():
        AuditHead.objects.get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})
        head = AuditHead.objects.select_for_update().get(id=1)
        actor_id, actor_name = _actor_fields(actor)
        now = timezone.now()
        seq, prev = head.seq, head.hash
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
        AuditEntry.objects.bulk_create(entries, batch_size=500)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
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


def verify() -> VerifyResult:
    """Walk the chain: gapless sequence, each entry's own hash, links, and the stored head."""
    from qogam.core.models import AuditEntry, AuditHead

    head = AuditHead.objects.filter(id=1).first()
    prev = GENESIS
    expected_seq = 1
    checked = 0
    fields = ("seq", "at", "actor_id", "actor", "action", "object_type", "object_id", "before", "after")
    for entry in AuditEntry.objects.order_by("seq").values(*fields, "prev_hash", "hash").iterator(chunk_size=2000):
        if entry["seq"] != expected_seq:
            return VerifyResult(False, checked, f"entry #{expected_seq} is missing", expected_seq)
        if entry["prev_hash"] != prev:
            return VerifyResult(False, checked, f"entry #{entry['seq']} does not link to the previous one", entry["seq"])
        digest = entry_hash(prev_hash=entry["prev_hash"], **{f: entry[f] for f in fields})
        if digest != entry["hash"]:
            return VerifyResult(False, checked, f"entry #{entry['seq']} was altered", entry["seq"])
        prev = digest
        expected_seq += 1
        checked += 1
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != prev:
        return VerifyResult(
            False, checked, f"entry #{checked + 1} and later were removed (the head records #{head_seq})",
            checked + 1,
        )
    return VerifyResult(True, checked)
