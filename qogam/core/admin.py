"""Admin of the shared kernel: reference data and parameters are editable, the audit log is read-only.

Every reference edit made here is a state change, so it is appended to the audit log with the
values before and after.
"""

import calendar as pycalendar
import json

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qogam.core import audit, config
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


def snapshot(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


class AuditedAdmin(admin.ModelAdmin):
    """Appends one audit entry per create, update and delete. The primary key is fixed once saved."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        pk = self.model._meta.pk
        if obj is not None and pk.editable and pk.name not in readonly:
            readonly.append(pk.name)
        return readonly

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}_{verb}"

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            previous = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
            super().save_model(request, obj, form, change)
            audit.record(
                action=self._action("update" if change else "create"),
                obj=obj,
                before=snapshot(previous) if previous is not None else None,
                after=snapshot(obj),
                actor=request.user,
            )

    def delete_model(self, request, obj):
        change = audit.Change(self._action("delete"), _object_type(obj), str(obj.pk), snapshot(obj), None)
        with transaction.atomic():
            super().delete_model(request, obj)
            audit.record_many([change], actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            changes = [
                audit.Change(self._action("delete"), _object_type(obj), str(obj.pk), snapshot(obj), None)
                for obj in queryset.order_by("pk")
            ]
            super().delete_queryset(request, queryset)
            audit.record_many(changes, actor=request.user)


def _object_type(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


NAME_FIELDS = ("name_kk", "name_ru", "name_en")


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("kato", *NAME_FIELDS, "kind")
    list_filter = ("kind",)
    search_fields = ("kato", *NAME_FIELDS)
    fields = ("kato", "kind", *NAME_FIELDS)


@admin.register(LegalForm)
class LegalFormAdmin(AuditedAdmin):
    list_display = ("code", *NAME_FIELDS, "is_ngo", "tax_npo", "is_public_association")
    list_filter = ("is_ngo", "tax_npo", "is_public_association")
    search_fields = ("code", *NAME_FIELDS)
    fields = ("code", *NAME_FIELDS, "is_ngo", "tax_npo", "is_public_association", "note")


@admin.register(Direction)
class DirectionAdmin(AuditedAdmin):
    list_display = ("code", *NAME_FIELDS)
    search_fields = ("code", *NAME_FIELDS)
    fields = ("code", *NAME_FIELDS)


@admin.register(PriceIndex)
class PriceIndexAdmin(AuditedAdmin):
    list_display = ("year", "value")
    search_fields = ("year",)


@admin.register(MonthlyCalculationIndex)
class MonthlyCalculationIndexAdmin(AuditedAdmin):
    list_display = ("year", "value_kzt")
    search_fields = ("year",)


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ("month", "day", "days", "kind", "name_en", "name_ru", "name_kk")

    def clean(self):
        cleaned = super().clean()
        month, day, days = cleaned.get("month"), cleaned.get("day"), cleaned.get("days")
        if month is not None and not 1 <= month <= 12:
            self.add_error("month", _("Enter a month from 1 to 12."))
        elif month is not None and day is not None:
            # 29 February exists only in leap years, so a holiday cannot recur on it.
            last = 28 if month == 2 else pycalendar.monthrange(2001, month)[1]
            if not 1 <= day <= last:
                self.add_error("day", _("Enter a day from 1 to %(last)d for this month.") % {"last": last})
            elif Holiday.objects.filter(month=month, day=day).exclude(pk=self.instance.pk).exists():
                self.add_error("day", _("Another public holiday already starts on this day."))
        if days is not None and not 1 <= days <= 10:
            self.add_error("days", _("A holiday lasts from 1 to 10 days."))
        return cleaned


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    form = HolidayForm
    list_display = ("month", "day", "days", "kind", "name_en", "name_ru", "name_kk")
    list_filter = ("kind",)
    search_fields = ("name_en", "name_ru", "name_kk")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "weekday", "kind", "note")
    list_filter = ("kind",)
    search_fields = ("note",)
    date_hierarchy = "date"
    fields = ("date", "kind", "note")

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        from django.utils.dates import WEEKDAYS

        return WEEKDAYS[obj.date.weekday()]


class ParameterForm(forms.ModelForm):
    class Meta:
        model = Parameter
        fields = ("key", "value", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            self.fields["key"] = forms.ChoiceField(
                label=_("key"),
                choices=[("", "---------")] + [(key, key) for key in sorted(settings.QOGAM_DEFAULTS)],
                help_text=_("The configurable rule this value overrides."),
            )

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key", self.instance.key)
        if key and "value" in cleaned:
            try:
                config.validate(key, cleaned["value"])
            except ValidationError as exc:
                self.add_error("value", exc)
        return cleaned


@admin.register(Parameter)
class ParameterAdmin(AuditedAdmin):
    form = ParameterForm
    list_display = ("key", "value", "default_value", "note")
    search_fields = ("key", "note")

    @admin.display(description=_("default"))
    def default_value(self, obj):
        return settings.QOGAM_DEFAULTS.get(obj.key, "—")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody, superusers included, may add, change or delete: the log is append-only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _pretty_json(value):
    if value is None:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "action", "object_type", "object_id")
    search_fields = ("=seq", "action", "object_type", "=object_id", "actor")
    ordering = ("-seq",)
    show_full_result_count = False
    fields = (
        "seq",
        "at",
        "actor_id",
        "actor",
        "action",
        "object_type",
        "object_id",
        "before_pretty",
        "after_pretty",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    @admin.display(description=_("before"))
    def before_pretty(self, obj):
        return _pretty_json(obj.before)

    @admin.display(description=_("after"))
    def after_pretty(self, obj):
        return _pretty_json(obj.after)


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyAdmin):
    list_display = ("id", "seq", "hash")
    fields = ("id", "seq", "hash")
    readonly_fields = fields
