"""Admin of the NGO Database: read-only. Reports change only through services.py (drafts, filings,
reviews), and filed versions are never changed or deleted by anyone."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qogam.core.admin import ReadOnlyAdmin
from qogam.reporting import services  # noqa: F401  (registers the immutability guards of versions)
from qogam.reporting.models import (
    ActivitySign,
    AnnualReport,
    ForeignFundingReceipt,
    ForeignFundingUse,
    ReminderSent,
    ReportReview,
    ReportVersion,
)


def _pretty_json(value):
    if value in (None, {}, []):
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))


class _VersionInline(admin.TabularInline):
    model = ReportVersion
    fields = ("number", "kind", "receipt_number", "submitted_at", "source", "late", "content_hash")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "status", "due_on", "latest", "version", "updated_at")
    list_filter = ("year", "status")
    search_fields = ("=organisation__bin", "organisation__name_ru", "organisation__name_kk")
    list_select_related = ("organisation", "latest")
    ordering = ("-year", "organisation_id")
    show_full_result_count = False
    fields = ("organisation", "year", "status", "due_on", "latest", "version", "draft_pretty", "created_at",
              "updated_at")
    readonly_fields = fields
    inlines = [_VersionInline]

    @admin.display(description=_("draft content"))
    def draft_pretty(self, obj):
        return _pretty_json(obj.draft)


class _ReviewInline(admin.TabularInline):
    model = ReportReview
    fields = ("decision", "reasons", "reviewed_by", "reviewed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ("receipt_number", "report", "number", "kind", "submitted_at", "source", "late")
    list_filter = ("kind", "source", "late", "report__year")
    search_fields = ("=receipt_number", "=report__organisation__bin")
    list_select_related = ("report",)
    ordering = ("-submitted_at",)
    show_full_result_count = False
    fields = ("receipt_number", "report", "number", "kind", "source", "submitted_at", "submitted_by", "late",
              "receiving_body", "content_hash", "content_pretty")
    readonly_fields = fields
    inlines = [_ReviewInline]

    @admin.display(description=_("content"))
    def content_pretty(self, obj):
        return _pretty_json(obj.content)


@admin.register(ReportReview)
class ReportReviewAdmin(ReadOnlyAdmin):
    list_display = ("version", "decision", "reviewed_by", "reviewed_at")
    list_filter = ("decision",)
    search_fields = ("=version__receipt_number",)
    list_select_related = ("version", "reviewed_by")
    fields = ("version", "decision", "reasons", "reviewed_by", "reviewed_at")
    readonly_fields = fields


@admin.register(ForeignFundingReceipt)
class ForeignFundingReceiptAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "source_type", "country", "amount_kzt", "received_on", "version")
    list_filter = ("year", "source_type", "country")
    search_fields = ("=organisation__bin", "=version__receipt_number")
    list_select_related = ("organisation", "version")
    fields = ("version", "organisation", "year", "source_type", "country", "amount_kzt", "received_on", "purpose")
    readonly_fields = fields


@admin.register(ForeignFundingUse)
class ForeignFundingUseAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "period_start", "period_end", "amount_kzt", "direction", "version")
    list_filter = ("year", "direction")
    search_fields = ("=organisation__bin", "=version__receipt_number")
    list_select_related = ("organisation", "version", "direction")
    fields = ("version", "organisation", "year", "period_start", "period_end", "amount_kzt", "direction")
    readonly_fields = fields


@admin.register(ActivitySign)
class ActivitySignAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "active", "employees", "volunteers", "services", "expenses",
                    "funding_agreement")
    list_filter = ("year", "active")
    search_fields = ("=organisation__bin",)
    list_select_related = ("organisation",)
    fields = ("organisation", "year", "active", "employees", "volunteers", "services", "expenses",
              "funding_agreement", "version")
    readonly_fields = fields


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "days_before", "sent_on")
    list_filter = ("year", "days_before")
    search_fields = ("=organisation__bin",)
    list_select_related = ("organisation",)
    fields = ("organisation", "year", "days_before", "sent_on")
    readonly_fields = fields
