"""Admin of the shared kernel: editable reference data whose edits are audit-logged; a read-only log."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from qogam.core import audit
from qogam.core.models import (
    AuditEntry,
    AuditHead,
    CalendarDay,
    Direction,
    Holiday,
    LegalForm,
    MonthlyCalculationIndex,
    Parameter,
    PriceIndex,
    Region,
)
from tests.accounts.helpers import login_verified

pytestmark = pytest.mark.django_db

EDITABLE = [Region, LegalForm, Direction, PriceIndex, MonthlyCalculationIndex, Holiday, CalendarDay, Parameter]


def url(name, *args):
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser signed in with the second factor the admin site requires."""
    return login_verified(client, admin_user)


@pytest.mark.parametrize("model", EDITABLE, ids=lambda m: m.__name__)
def test_reference_models_are_registered_and_listed(admin_client, model):
    assert model in site._registry
    opts = model._meta
    response = admin_client.get(url(f"{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [AuditEntry, AuditHead], ids=lambda m: m.__name__)
def test_audit_models_are_read_only_even_for_superusers(admin_user, model):
    model_admin = site._registry[model]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_audit_log_pages_show_but_do_not_change(admin_client):
    entry = audit.record(action="thing_update", object_type="t", object_id=1, before={"a": 1}, after={"a": 2})
    assert admin_client.get(url("core_auditentry_changelist")).status_code == 200
    assert admin_client.get(url("core_auditentry_changelist") + "?q=thing").status_code == 200
    page = admin_client.get(url("core_auditentry_change", entry.pk))
    assert page.status_code == 200
    assert b"thing_update" in page.content
    assert admin_client.get(url("core_auditentry_add")).status_code == 403
    assert admin_client.post(url("core_auditentry_delete", entry.pk), {"post": "yes"}).status_code == 403
    response = admin_client.post(url("core_auditentry_change", entry.pk), {"action": "forged"})
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "thing_update"
    assert admin_client.get(url("core_audithead_changelist")).status_code == 200


def test_editing_a_reference_row_is_audit_logged(admin_client, admin_user):
    region = Region.objects.get(kato="750000000")
    response = admin_client.post(
        url("core_region_change", region.pk),
        {"kind": region.kind, "name_kk": "Алматы қаласы", "name_ru": region.name_ru, "name_en": region.name_en},
    )
    assert response.status_code == 302, response.content
    entry = AuditEntry.objects.get(action="region_update")
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("core.region", "750000000", admin_user.pk)
    assert entry.before["name_kk"] == "Алматы" and entry.after["name_kk"] == "Алматы қаласы"
    assert audit.verify().ok


def test_the_primary_key_cannot_be_changed_in_the_admin(admin_client):
    region = Region.objects.get(kato="750000000")
    admin_client.post(
        url("core_region_change", region.pk),
        {"kato": "999999999", "kind": region.kind, "name_kk": "x", "name_ru": "x", "name_en": "x"},
    )
    assert not Region.objects.filter(kato="999999999").exists()
    assert Region.objects.count() == 20


def test_creating_and_deleting_are_audit_logged(admin_client):
    response = admin_client.post(
        url("core_calendarday_add"), {"date": "2027-05-16", "kind": "holiday", "note": "Kurban Ait (first day)"}
    )
    assert response.status_code == 302, response.content
    day = CalendarDay.objects.get(date="2027-05-16")
    created = AuditEntry.objects.get(action="calendarday_create")
    assert created.before is None and created.after["date"] == "2027-05-16"
    response = admin_client.post(url("core_calendarday_delete", day.pk), {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEntry.objects.get(action="calendarday_delete")
    assert (deleted.object_id, deleted.after, deleted.before["kind"]) == (str(day.pk), None, "holiday")
    assert audit.verify().ok


def test_bulk_delete_is_audit_logged(admin_client):
    days = [CalendarDay.objects.create(date=f"2030-01-0{d}", kind="day_off") for d in (2, 3)]
    response = admin_client.post(
        url("core_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": [d.pk for d in days], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk__in=[d.pk for d in days]).exists()
    assert AuditEntry.objects.filter(action="calendarday_delete").count() == 2
    assert audit.verify().ok


def test_parameter_override_through_the_admin(admin_client, settings):
    key = "registry.national_min_branch_regions"
    response = admin_client.post(url("core_parameter_add"), {"key": key, "value": "9", "note": "decree"})
    assert response.status_code == 302, response.content
    assert Parameter.objects.get(key=key).value == 9
    assert AuditEntry.objects.get(action="parameter_create").after["value"] == 9


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"key": "no.such.parameter", "value": "9"}, "key"),
        ({"key": "registry.national_min_branch_regions", "value": '"nine"'}, "value"),
        ({"key": "registry.national_min_branch_regions", "value": "8.5"}, "value"),
    ],
)
def test_parameter_admin_refuses_unknown_keys_and_wrong_types(admin_client, data, field):
    with translation.override("en"):
        response = admin_client.post(url("core_parameter_add"), {**data, "note": ""})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Parameter.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("month", "day", "days", "field"),
    [(13, 1, 1, "month"), (2, 30, 1, "day"), (2, 29, 1, "day"), (4, 31, 1, "day"), (3, 21, 1, "day"), (6, 1, 0, "days")],
)
def test_holiday_admin_refuses_impossible_days(admin_client, month, day, days, field):
    response = admin_client.post(
        url("core_holiday_add"),
        {"month": month, "day": day, "days": days, "kind": "national", "name_en": "Test", "name_ru": "", "name_kk": ""},
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_holiday_admin_accepts_a_new_holiday(admin_client):
    response = admin_client.post(
        url("core_holiday_add"),
        {"month": 6, "day": 1, "days": 1, "kind": "national", "name_en": "Test day", "name_ru": "", "name_kk": ""},
    )
    assert response.status_code == 302, response.content
    assert AuditEntry.objects.get(action="holiday_create").after["name_en"] == "Test day"
