"""Admin of the competition engine: read-only. Every change goes through services.py (permission,
rules, transaction, audit); submitted versions and reports are never changed by anyone."""

from django.contrib import admin

from qogam.core.admin import ReadOnlyAdmin
from qogam.funding.models import (
    Agreement,
    Appeal,
    Application,
    ApplicationVersion,
    Assignment,
    Call,
    EffectReview,
    Expert,
    MonitoringReport,
    Programme,
    Shortlist,
    Topic,
)


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("year", "title_kk", "title_ru", "mechanism", "funder_kind", "funder_body", "budget")
    list_filter = ("year", "mechanism", "funder_kind")
    list_select_related = ("funder_body",)


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("code", "title_kk", "status", "opens_on", "closes_on", "compliance_due_on", "evaluation_due_on")
    list_filter = ("status", "mechanism")
    search_fields = ("=code",)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "call", "lot", "organisation", "status", "language", "requested_amount", "total_score",
                    "rank", "awarded_amount")
    list_filter = ("status", "language", "call__programme__year")
    search_fields = ("=organisation__bin", "=call__code", "title")
    list_select_related = ("call", "lot", "organisation")
    show_full_result_count = False
    exclude = ("draft",)


@admin.register(ApplicationVersion)
class ApplicationVersionAdmin(ReadOnlyAdmin):
    list_display = ("receipt_number", "application", "number", "submitted_at", "content_hash")
    search_fields = ("=receipt_number",)
    exclude = ("content",)


@admin.register(Expert)
class ExpertAdmin(ReadOnlyAdmin):
    list_display = ("pk", "user", "active")
    list_filter = ("active",)
    exclude = ("iin_hash",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("application", "expert", "status", "round", "due_on", "declared_at", "scored_at")
    list_filter = ("status",)
    list_select_related = ("application", "expert__user")


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("number", "application", "amount", "start_on", "end_on", "status", "refund_amount")
    list_filter = ("status",)
    search_fields = ("=number", "=application__organisation__bin")
    list_select_related = ("application",)


@admin.register(MonitoringReport)
class MonitoringReportAdmin(ReadOnlyAdmin):
    list_display = ("due", "number", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)
    exclude = ("content",)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "status", "filed_at", "decided_at")
    list_filter = ("kind", "status")


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ("pk", "title", "body", "status", "discussion_until")
    list_filter = ("status",)
    search_fields = ("title",)
    list_select_related = ("body",)
    exclude = ("proposed_by", "decided_by")


@admin.register(Shortlist)
class ShortlistAdmin(ReadOnlyAdmin):
    list_display = ("call", "decided_on")
    list_select_related = ("call",)


@admin.register(EffectReview)
class EffectReviewAdmin(ReadOnlyAdmin):
    list_display = ("pk", "agreement", "expert", "status", "due_on", "total")
    list_filter = ("status",)
    list_select_related = ("agreement", "expert")
