"""core.sql: the plain INSERTs of the hot write paths behave as the ORM would."""

import pytest
from django.utils import timezone

from qogam.core.models import AuditEntry
from qogam.core.sql import insert_objects, insert_rows, upsert_rows

pytestmark = pytest.mark.django_db


def _entry(seq, **extra):
    return {"seq": seq, "at": timezone.now(), "action": "x", "object_type": "t", "object_id": str(seq),
            "prev_hash": "0" * 64, "hash": f"{seq:064d}", **extra}


def test_returns_ids_in_the_order_of_the_rows_across_statements():
    rows = [_entry(1000 + i, after={"n": i, "text": "Қазақстан"}) for i in range(250)]  # several statements
    ids = insert_rows(AuditEntry, rows, returning=True)
    assert len(ids) == 250 and len(set(ids)) == 250
    stored = dict(AuditEntry.objects.filter(pk__in=ids).values_list("pk", "after"))
    assert [stored[pk]["n"] for pk in ids] == list(range(250))
    assert stored[ids[0]]["text"] == "Қазақстан"


def test_defaults_and_dates_are_converted():
    moment = timezone.now()
    insert_rows(AuditEntry, [_entry(1, at=moment, before=None)])
    entry = AuditEntry.objects.get(seq=1)
    assert entry.at == moment and entry.before is None and entry.actor == "" and entry.actor_id is None


def test_inserted_objects_are_saved_instances():
    [entry] = insert_objects([AuditEntry(**_entry(7))])
    assert entry.pk and not entry._state.adding and entry._state.db == "default"
    assert AuditEntry.objects.get(pk=entry.pk).seq == 7


def test_upsert_inserts_then_updates(organisation):
    from qogam.reporting.models import ActivitySign

    row = {"organisation_id": organisation.pk, "year": 2023, "active": True, "employees": True, "volunteers": True}
    upsert_rows(ActivitySign, [row], unique=["organisation", "year"], update=["active", "employees"])
    upsert_rows(ActivitySign, [{**row, "active": False, "employees": False, "volunteers": False}],
                unique=["organisation", "year"], update=["active", "employees"])
    sign = ActivitySign.objects.get(organisation=organisation, year=2023)
    assert not sign.active and not sign.employees and sign.volunteers  # only the named fields change
    assert ActivitySign.objects.count() == 1
