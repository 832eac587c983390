"""Admin of the register. Every save goes through services.py (validation, permission, audit);
nothing is deleted from the register here: organisations are liquidated, not removed.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.accounts.permissions import (
    can_create_organisation,
    can_manage_state_bodies,
    can_update_organisation,
)
from qogam.core.errors import QogamError
from qogam.registry import services
from qogam.registry.importer import COLUMNS, XLSX_MAGIC, ImportFileError, import_registry
from qogam.registry.models import Founder, Leader, Organisation, StateBody
from qogam.registry.validation import (
    ORGANISATION_FIELDS,
    STATE_BODY_FIELDS,
    clean_organisation,
    clean_state_body,
    founder_errors,
    leader_errors,
)


def _add_errors(form: forms.BaseForm, errors: dict[str, list[str]]) -> None:
    """Put service-level errors on the form's fields, skipping fields that already failed."""
    for name, messages_ in errors.items():
        if name in form.errors:
            continue
        for message in messages_:
            if name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, f"{name}: {message}")


class _ServiceErrorsMixin:
    """A service refusing a save that passed the form (a concurrent change) returns to the form."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except QogamError as exc:
            text = str(exc.message)
            if exc.fields:
                text += " " + "; ".join(f"{name}: {' '.join(map(str, msgs))}" for name, msgs in exc.fields.items())
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


# --- Founders and the leader ---------------------------------------------------------------------


class _IinFormMixin:
    def _setup_iin(self):
        field = self.fields["iin"]
        if self.instance.pk and self.instance.iin_hash:
            field.help_text = _("An IIN is on file (kept only as a keyed hash). Enter a new one to replace it.")


class FounderForm(_IinFormMixin, forms.ModelForm):
    iin = forms.CharField(
        label=gettext_lazy("IIN of the individual"), required=False, max_length=12,
        help_text=gettext_lazy("Optional. Kept only as a keyed hash; never shown again."),
    )

    class Meta:
        model = Founder
        fields = ["organisation", "kind", "bin", "entity_name", "full_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_iin()

    def clean(self):
        cleaned = super().clean()
        _add_errors(self, founder_errors(
            kind=cleaned.get("kind", ""),
            bin=(cleaned.get("bin") or "").strip(),
            entity_name=(cleaned.get("entity_name") or "").strip(),
            full_name=(cleaned.get("full_name") or "").strip(),
            iin=(cleaned.get("iin") or "").strip(),
        ))
        return cleaned


class LeaderForm(_IinFormMixin, forms.ModelForm):
    iin = forms.CharField(
        label=gettext_lazy("IIN of the leader"), required=False, max_length=12,
        help_text=gettext_lazy("Optional. Kept only as a keyed hash; never shown again."),
    )

    class Meta:
        model = Leader
        fields = ["organisation", "full_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_iin()

    def clean(self):
        cleaned = super().clean()
        _add_errors(self, leader_errors(
            full_name=(cleaned.get("full_name") or "").strip(), iin=(cleaned.get("iin") or "").strip()
        ))
        return cleaned


def _save_personal(request, obj, form):
    iin = form.cleaned_data.get("iin", "")
    if isinstance(obj, Leader):
        return services.leader_save(actor=request.user, leader=obj, iin=iin)
    return services.founder_save(actor=request.user, founder=obj, iin=iin)


def _delete_personal(request, obj):
    if isinstance(obj, Leader):
        services.leader_delete(actor=request.user, leader=obj)
    else:
        services.founder_delete(actor=request.user, founder=obj)


class LeaderInline(admin.StackedInline):
    model = Leader
    form = LeaderForm
    fields = ["full_name", "iin"]
    max_num = 1
    extra = 0


class FounderInline(admin.TabularInline):
    model = Founder
    form = FounderForm
    fields = ["kind", "bin", "entity_name", "full_name", "iin"]
    extra = 0


class _PersonalAdmin(_ServiceErrorsMixin, admin.ModelAdmin):
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_update_organisation(request.user, obj.organisation))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_update_organisation(request.user, obj.organisation))

    def save_model(self, request, obj, form, change):
        _save_personal(request, obj, form)

    def delete_model(self, request, obj):
        _delete_personal(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("organisation"):
            _delete_personal(request, obj)


@admin.register(Founder)
class FounderAdmin(_PersonalAdmin):
    form = FounderForm
    fields = ["organisation", "kind", "bin", "entity_name", "full_name", "iin"]
    list_display = ["organisation", "kind", "bin", "entity_name"]
    list_filter = ["kind"]
    search_fields = ["organisation__bin", "organisation__name_ru", "organisation__name_kk", "bin", "entity_name"]


@admin.register(Leader)
class LeaderAdmin(_PersonalAdmin):
    form = LeaderForm
    fields = ["organisation", "full_name", "iin"]
    list_display = ["organisation", "full_name"]
    search_fields = ["organisation__bin", "organisation__name_ru", "organisation__name_kk"]


# --- Organisations -------------------------------------------------------------------------------


class OrganisationAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(label=gettext_lazy("website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True
        self.organisation_data: dict = {}
        self.warnings: dict[str, list[str]] = {}

    def clean(self):
        cleaned = super().clean()
        existing = self.instance if self.instance.pk else None
        if existing is not None:
            current = Organisation.objects.filter(pk=existing.pk).values_list("version", flat=True).first()
            if cleaned.get("expected_version") != current:
                raise forms.ValidationError(
                    _("Someone else changed this record after you opened it. Reload it, repeat your changes and "
                      "save again."),
                    code="conflict",
                )
        data = {name: cleaned[name] for name in ORGANISATION_FIELDS if name in self.fields and name in cleaned}
        result = clean_organisation(data, existing=existing)
        _add_errors(self, result.errors)
        self.organisation_data = data
        self.warnings = result.warnings
        return cleaned


class OrganisationImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only check the file (dry run): write nothing"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("UTF-8 CSV or Excel workbook (.xlsx) with the columns shown above.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.QOGAM_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(limit)s MB can be uploaded. Split it into smaller files.")
                % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:.1f}"}
            )
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        content = b"".join(upload.chunks())
        if name.endswith(".xlsx"):
            if not content.startswith(XLSX_MAGIC):
                raise forms.ValidationError(
                    _("This file is named .xlsx but is not an Excel workbook. Save it from Excel as .xlsx.")
                )
        else:
            if content.startswith(XLSX_MAGIC):
                raise forms.ValidationError(
                    _("This file is named .csv but is an Excel workbook. Rename it to .xlsx or save it as CSV UTF-8.")
                )
            try:
                content.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text. Save it as “CSV UTF-8” or as an Excel workbook (.xlsx).")
                ) from None
        self.cleaned_data["content"] = content
        return upload


@admin.register(Organisation)
class OrganisationAdmin(_ServiceErrorsMixin, admin.ModelAdmin):
    form = OrganisationAdminForm
    change_list_template = "admin/registry/organisation/change_list.html"
    inlines = [LeaderInline, FounderInline]
    list_display = ["bin", "name_ru", "name_kk", "legal_form", "region", "status", "registered_on"]
    list_filter = ["region", "legal_form", "status"]
    list_select_related = ["legal_form", "region"]
    search_fields = ["name_ru", "name_kk", "bin"]
    filter_horizontal = ["branch_regions", "directions"]
    readonly_fields = ["version", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["bin", "name_ru", "name_kk", "legal_form", "registered_on", "status", "liquidated_on"]}),
        (gettext_lazy("Location and level"), {"fields": ["region", "address", "territorial_level", "branch_regions"]}),
        (gettext_lazy("Charter"), {"fields": ["directions"]}),
        (gettext_lazy("Contacts"), {"fields": ["email", "phone", "website"]}),
        (gettext_lazy("Statistics"), {"fields": ["leader_gender"]}),
        (gettext_lazy("Record"), {"fields": ["version", "created_at", "updated_at", "expected_version"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "bin"] if obj is not None else fields

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can_create_organisation(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_update_organisation(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            services.organisation_update(
                actor=request.user, organisation=obj, expected_version=form.cleaned_data["expected_version"],
                changes=form.organisation_data,
            )
        else:
            created = services.organisation_create(actor=request.user, data=form.organisation_data)
            obj.pk = created.pk
            obj._state.adding = False
            obj.refresh_from_db()
        for name, warnings in form.warnings.items():
            for warning in warnings:
                self.message_user(request, f"{form.fields[name].label if name in form.fields else name}: {warning}",
                                  messages.WARNING)

    def save_related(self, request, form, formsets, change):
        # The service has already set the many-to-many fields; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            _delete_personal(request, obj)
        forms_by_instance = {id(f.instance): f for f in formset.forms}
        for obj in [*formset.new_objects, *(o for o, _changed in formset.changed_objects)]:
            _save_personal(request, obj, forms_by_instance[id(obj)])

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": can_create_organisation(request.user)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        urls = [
            path("import/", self.admin_site.admin_view(self.import_view), name="registry_organisation_import"),
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        if not can_create_organisation(request.user):
            raise PermissionDenied
        result = None
        if request.method == "POST":
            form = OrganisationImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = import_registry(
                        form.cleaned_data["content"], actor=request.user, dry_run=form.cleaned_data["dry_run"]
                    )
                except ImportFileError as exc:
                    form.add_error("file", exc.message)
                except QogamError as exc:
                    form.add_error(None, str(exc.message))
                else:
                    level = messages.SUCCESS if result.ok else messages.ERROR
                    self.message_user(request, result.summary(), level)
        else:
            form = OrganisationImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import organisations from CSV or XLSX"),
            "form": form,
            "result": result,
            "columns": ",".join(COLUMNS),
            "max_upload_mb": f"{settings.QOGAM_MAX_UPLOAD_BYTES / 1048576:.0f}",
            "changelist_url": reverse("admin:registry_organisation_changelist"),
        }
        return TemplateResponse(request, "admin/registry/organisation/import.html", context)


# --- State bodies -------------------------------------------------------------------------------


class StateBodyAdminForm(forms.ModelForm):
    website = forms.URLField(label=gettext_lazy("website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = StateBody
        fields = list(STATE_BODY_FIELDS)

    def clean(self):
        cleaned = super().clean()
        data = {name: cleaned[name] for name in STATE_BODY_FIELDS if name in self.fields and name in cleaned}
        existing = self.instance if self.instance.pk else None
        _add_errors(self, clean_state_body(data, existing=existing).errors)
        self.state_body_data = data
        return cleaned


@admin.register(StateBody)
class StateBodyAdmin(_ServiceErrorsMixin, admin.ModelAdmin):
    form = StateBodyAdminForm
    list_display = ["name_ru", "name_kk", "bin", "level", "kind", "region", "parent"]
    list_filter = ["level", "kind", "region"]
    list_select_related = ["region", "parent"]
    search_fields = ["name_ru", "name_kk", "name_en", "bin"]
    autocomplete_fields = ["parent"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can_manage_state_bodies(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_manage_state_bodies(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            services.state_body_update(actor=request.user, state_body=obj, changes=form.state_body_data)
        else:
            created = services.state_body_create(actor=request.user, data=form.state_body_data)
            obj.pk = created.pk
            obj._state.adding = False
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change)
