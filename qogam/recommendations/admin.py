"""Admin of the recommendation tracker: read-only. Answers and implementation go through
services.py (the addressee's officials, in their cabinet)."""

from django.contrib import admin

from qogam.core.admin import ReadOnlyAdmin
from qogam.recommendations.models import Event, Evidence, Recommendation


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ("on", "kind", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ("kind", "file", "url", "note", "sha256")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("number", "source", "addressee", "sent_on", "due_on", "status", "verdict", "answered_on",
                    "answered_late")
    list_filter = ("status", "source", "verdict", "answered_late", "addressee__level")
    search_fields = ("=number", "title", "=addressee__bin")
    list_select_related = ("addressee",)
    date_hierarchy = "sent_on"
    show_full_result_count = False
    inlines = (EventInline, EvidenceInline)
