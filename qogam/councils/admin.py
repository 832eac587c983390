"""Admin of public councils and the Civil Forum: read-only. Councils, selection, meetings and the
forum change through services.py (pages of the authorised body, the host body and the secretary)."""

from django.contrib import admin

from qogam.core.admin import ReadOnlyAdmin
from qogam.councils.models import (
    Convocation,
    Council,
    ForumEdition,
    Measure,
    Meeting,
    Member,
    MembershipApplication,
    MembershipCall,
    RegionalForum,
)


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ("name_ru", "level", "host_body", "region", "size", "secretary")
    list_filter = ("level", "region")
    search_fields = ("name_ru", "name_kk", "=host_body__bin")
    list_select_related = ("host_body", "region", "secretary")


@admin.register(Convocation)
class ConvocationAdmin(ReadOnlyAdmin):
    list_display = ("council", "number", "starts_on", "ends_on", "status", "chair_elected_on")
    list_filter = ("status",)
    list_select_related = ("council",)


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "constituency", "affiliation", "convocation", "joined_on", "left_on")
    list_filter = ("constituency",)
    search_fields = ("full_name",)
    list_select_related = ("convocation__council",)


@admin.register(MembershipCall)
class MembershipCallAdmin(ReadOnlyAdmin):
    list_display = ("convocation", "announced_on", "closes_on", "seats", "status", "decided_on")
    list_filter = ("status",)


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(ReadOnlyAdmin):
    list_display = ("call", "full_name", "organisation", "status", "decided_on")
    list_filter = ("status",)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("council", "kind", "title", "held_on", "status", "present", "members_total", "quorate",
                    "minutes_due_on", "minutes_published_on", "minutes_late")
    list_filter = ("kind", "status", "minutes_late")
    list_select_related = ("council",)
    date_hierarchy = "held_on"
    show_full_result_count = False


@admin.register(ForumEdition)
class ForumEditionAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "city", "held_from", "held_to")


@admin.register(RegionalForum)
class RegionalForumAdmin(ReadOnlyAdmin):
    list_display = ("edition", "region", "held_on", "issue_title")
    list_filter = ("edition",)


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "responsible", "due_on", "tracked")
    list_select_related = ("plan", "responsible", "tracked")
