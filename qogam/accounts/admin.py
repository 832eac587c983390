"""Admin of users and representations. The admin requires a verified second factor for everyone."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from qogam.accounts import services
from qogam.accounts.models import Representation, User
from qogam.accounts.otp import needs_otp_step, otp_step_url
from qogam.core import audit
from qogam.core.errors import QogamError


class QogamAdminSite(OTPAdminSite):
    """OTPAdminSite (only OTP-verified users get in), signing in through Qogam's own pages: the
    password step at accounts:login, then the code or enrolment."""

    site_header = _("Qogam administration")
    site_title = _("Qogam administration")

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if needs_otp_step(request.user):
                return redirect(otp_step_url(request.user, next_url))
            messages.error(request, _("Your account has no access to the administration. Sign in as an administrator."))
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


# The default admin site becomes an OTPAdminSite: `admin.site` is shared by every app's admin.py.
admin.site.__class__ = QogamAdminSite


class TwoFactorFilter(admin.SimpleListFilter):
    title = _("two-factor sign-in")
    parameter_name = "totp"

    def lookups(self, request, model_admin):
        return [("yes", _("set up")), ("no", _("not set up"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(has_totp=True)
        if self.value() == "no":
            return queryset.filter(has_totp=False)
        return queryset


_AUDITED_USER_FIELDS = ("role", "state_body_id", "is_active", "is_staff", "is_superuser", "language")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "role", "state_body", "two_factor", "is_active", "is_staff", "last_login")
    list_filter = ("role", TwoFactorFilter, "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "email", "first_name", "last_name")
    autocomplete_fields = ()
    raw_id_fields = ("state_body",)
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Qogam"), {"fields": ("role", "state_body", "language")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Qogam"), {"fields": ("email", "role", "state_body", "language")}),
    )
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).select_related("state_body").annotate(has_totp=Exists(confirmed))

    @admin.display(boolean=True, description=_("2FA"), ordering="has_totp")
    def two_factor(self, obj):
        return getattr(obj, "has_totp", None)

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            old = User.objects.filter(pk=obj.pk).values(*_AUDITED_USER_FIELDS).first()
            before = old
        super().save_model(request, obj, form, change)
        after = {f: getattr(obj, f) for f in _AUDITED_USER_FIELDS}
        if before != after:
            audit.record(
                action="accounts.user_change" if change else "accounts.user_create",
                obj=obj, before=before, after=after, actor=request.user,
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None:
                audit.record(action="accounts.password_change", obj=user, after={"via": "admin"}, actor=request.user)
        return response

    @admin.action(description=_("Reset two-factor sign-in (the user enrols again at next sign-in)"))
    def reset_two_factor(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                services.totp_disable(actor=request.user, user=user)
            except QogamError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
                return
            done += 1
        self.message_user(request, _("Two-factor sign-in was reset for %(n)d users.") % {"n": done}, messages.SUCCESS)


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    """Read-only: decisions go through the services (audit, notices), here as actions."""

    list_display = ("user", "organisation", "position", "status", "requested_at", "decided_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("user__username", "organisation__bin", "organisation__name_ru", "organisation__name_kk")
    list_select_related = ("user", "organisation", "decided_by")
    ordering = ("-requested_at", "-id")
    actions = ["approve", "revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, run, done_message):
        done = 0
        for rep in queryset.order_by("id"):
            try:
                run(rep)
            except QogamError as exc:
                self.message_user(request, f"{rep}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected pending requests"))
    def approve(self, request, queryset):
        self._apply(
            request, queryset,
            lambda rep: services.representation_decide(actor=request.user, representation=rep, decision="approve"),
            _("%(n)d requests approved."),
        )

    @admin.action(description=_("Revoke the selected representations"))
    def revoke(self, request, queryset):
        self._apply(
            request, queryset,
            lambda rep: services.representation_revoke(
                actor=request.user, representation=rep, reason=str(_("Revoked by an administrator."))
            ),
            _("%(n)d representations revoked."),
        )
