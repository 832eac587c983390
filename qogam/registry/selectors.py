"""Reads of the register. Public reads return only public fields.

The public querysets name the columns they read (`.only(...)`); leader_gender, leaders and founders
are never among them, so a public page or API response cannot show what its selector never read.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.forms import IntegerField as IntegerFormField
from django.utils.translation import gettext_lazy as _

from qogam.core.errors import NotFound
from qogam.core.models import Direction, LegalForm, Region
from qogam.registry import search
from qogam.registry.models import Organisation, StateBody

_TRILINGUAL = ("name_kk", "name_ru", "name_en")

ORGANISATION_PUBLIC_FIELDS = (
    "id",
    "bin",
    "name_ru",
    "name_kk",
    "legal_form__code",
    *(f"legal_form__{name}" for name in _TRILINGUAL),
    "legal_form__is_ngo",
    "registered_on",
    "status",
    "liquidated_on",
    "region__kato",
    "region__kind",
    *(f"region__{name}" for name in _TRILINGUAL),
    "address",
    "territorial_level",
    "email",
    "phone",
    "website",
    "version",
)
# Columns of an organisation that are never public (DOMAIN: personal data of the leader).
ORGANISATION_PRIVATE_FIELDS = frozenset({"leader_gender"})

STATE_BODY_PUBLIC_FIELDS = (
    "id",
    "bin",
    *_TRILINGUAL,
    "level",
    "kind",
    "region__kato",
    "region__kind",
    *(f"region__{name}" for name in _TRILINGUAL),
    "parent__bin",
    "parent__level",
    "parent__kind",
    *(f"parent__{name}" for name in _TRILINGUAL),
    "website",
)
_RELATED_NAME_FIELDS = ("kato", "kind", *_TRILINGUAL)


def public_register_stats() -> dict:
    return {
        "organisations": Organisation.objects.count(),
        "ngos": Organisation.objects.filter(legal_form__is_ngo=True).count(),
        "state_bodies": StateBody.objects.count(),
    }


# --- Reference lists ----------------------------------------------------------------------------


def regions() -> QuerySet:
    return Region.objects.order_by("-kind", "name_en")


def legal_forms() -> QuerySet:
    return LegalForm.objects.only("code", "is_ngo", "is_public_association", *_TRILINGUAL).order_by("code")


def directions() -> QuerySet:
    return Direction.objects.order_by("code")


# --- Organisations ------------------------------------------------------------------------------


def public_organisations() -> QuerySet:
    return (
        Organisation.objects.select_related("legal_form", "region")
        .only(*ORGANISATION_PUBLIC_FIELDS)
        .order_by("name_ru", "name_kk", "id")
    )


def _with_lists(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(
        Prefetch("directions", queryset=Direction.objects.only("code", *_TRILINGUAL).order_by("code")),
        Prefetch("branch_regions", queryset=Region.objects.only(*_RELATED_NAME_FIELDS).order_by("-kind", "name_en")),
    )


class YearFilter(django_filters.NumberFilter):
    field_class = IntegerFormField


_NGO_CHOICES = (("", _("All organisations")), ("true", _("NGOs only")), ("false", _("Non-NGOs only")))
_ACTIVE_CHOICES = (("", _("Any")), ("true", _("Active")), ("false", _("Not active")))


class OrganisationFilter(django_filters.FilterSet):
    """The register's filters, shared by the public pages, the CSV download and the API."""

    q = django_filters.CharFilter(
        label=_("Name or BIN"),
        method="_search_later",
        max_length=200,
        help_text=_(
            "Name in Kazakh or Russian, in Cyrillic or Latin letters (typos are tolerated), or a BIN or its first digits."
        ),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.order_by("-kind", "name_en"),
        to_field_name="kato",
        label=_("Region"),
        empty_label=_("All regions"),
        help_text=_("KATO code of the region of the organisation's seat, e.g. 750000000 (Almaty)."),
    )
    legal_form = django_filters.ModelChoiceFilter(
        queryset=LegalForm.objects.order_by("code"),
        to_field_name="code",
        label=_("Legal form"),
        empty_label=_("All legal forms"),
        help_text=_("Code of the organisational and legal form, e.g. public_fund."),
    )
    direction = django_filters.ModelChoiceFilter(
        field_name="directions",
        queryset=Direction.objects.order_by("code"),
        to_field_name="code",
        label=_("Charter direction"),
        empty_label=_("All directions"),
        help_text=_("Code of a direction listed in the charter, e.g. education."),
    )
    status = django_filters.ChoiceFilter(
        choices=Organisation.Status.choices,
        label=_("Status"),
        empty_label=_("Any status"),
        help_text=_("registered, suspended, in_liquidation or liquidated."),
    )
    ngo = django_filters.BooleanFilter(
        field_name="legal_form__is_ngo",
        label=_("NGO or not"),
        widget=forms.Select(choices=_NGO_CHOICES),
        help_text=_("true: NGOs only; false: non-profits that are not NGOs (by legal form)."),
    )
    active = django_filters.BooleanFilter(
        label=_("Activity"),
        method="_filter_active",
        widget=forms.Select(choices=_ACTIVE_CHOICES),
        help_text=_(
            "Sign of activeness in the year `active_year`, derived from the annual reports: active when the "
            "filed report shows employees, volunteers, services or spending, or a funding agreement was held."
        ),
    )
    active_year = YearFilter(
        label=_("Year of activity"),
        method="_search_later",
        min_value=1990,
        max_value=2100,
        help_text=_(
            "The year the activity filter looks at; by default the latest year whose report deadline has passed."
        ),
    )

    class Meta:
        model = Organisation
        fields = ["q", "region", "legal_form", "direction", "status", "ngo", "active", "active_year"]

    def __init__(self, *args, **kwargs):
        from qogam.core.calendar import today

        super().__init__(*args, **kwargs)
        last = today().year - 1
        choices = [("", _("Latest closed year")), *((year, str(year)) for year in range(last, last - 10, -1))]
        self.form.fields["active_year"].widget = forms.Select(choices=choices)

    def _search_later(self, queryset, name, value):
        return queryset

    def _filter_active(self, queryset, name, value):
        from qogam.reporting.public import filter_active

        if value is None:
            return queryset
        return filter_active(queryset, year=self.activity_year, active=value)

    @property
    def activity_year(self) -> int:
        """The year of the sign of activeness: `active_year`, else the latest closed reporting year."""
        cleaned = getattr(self.form, "cleaned_data", {}) if self.form.is_bound else {}
        return activity_year(cleaned.get("active_year"))

    def filter_queryset(self, queryset):
        """Apply every filter, then the search, so that searching never loses a filter."""
        queryset = super().filter_queryset(queryset)
        self._search = search.search_organisations(queryset, self.form.cleaned_data.get("q"))
        return self._search.queryset

    @property
    def search(self) -> search.SearchResult:
        """How the query was understood (`search.Mode`); evaluates the filters if needed."""
        self.qs  # noqa: B018 (filtering sets _search)
        return getattr(self, "_search", None) or search.SearchResult(self.qs, search.Mode.ALL)


def organisation_search(params, *, with_lists: bool = False) -> OrganisationFilter:
    """Bind the register's filters to query parameters. `.qs` is the result; `.search.mode` tells
    how the query was understood (fuzzy means no exact match was found); `.errors` the bad values."""
    queryset = public_organisations()
    if with_lists:
        queryset = _with_lists(queryset)
    return OrganisationFilter(params, queryset=queryset)


def activity_year(value=None) -> int:
    """The year whose sign of activeness is shown and filtered: `value` when it is a plausible year,
    else the latest year whose report deadline has passed."""
    from qogam.core.calendar import today
    from qogam.reporting.selectors import last_closed_year

    try:
        year = int(value)
    except (TypeError, ValueError):
        year = None
    if year is not None and 1990 <= year <= 2100:
        return year
    return last_closed_year(today())


def with_activity(queryset: QuerySet, *, year: int) -> QuerySet:
    """Annotate `is_active` (the derived sign of activeness in `year`) and `active_year`."""
    from qogam.reporting.public import activity_exists

    return queryset.annotate(is_active=activity_exists(year), active_year=Value(year, output_field=IntegerField()))


def public_organisation(bin: str) -> Organisation:
    """An organisation's public profile by BIN, with its directions and branch regions, and its sign
    of activeness in the latest closed reporting year."""
    organisation = with_activity(_with_lists(public_organisations()), year=activity_year()).filter(bin=bin).first()
    if organisation is None:
        raise NotFound(_("No organisation with BIN %(bin)s is in the register.") % {"bin": bin})
    return organisation


def organisation_for_update(bin: str) -> Organisation:
    """The full record, for handing to a service (never serialised publicly)."""
    organisation = Organisation.objects.filter(bin=bin).first()
    if organisation is None:
        raise NotFound(_("No organisation with BIN %(bin)s is in the register.") % {"bin": bin})
    return organisation


# --- State bodies -------------------------------------------------------------------------------


def public_state_bodies() -> QuerySet:
    level_rank = Case(
        *(When(level=level, then=Value(rank)) for rank, level in enumerate(StateBody.Level.values)),
        output_field=IntegerField(),
    )
    return (
        StateBody.objects.select_related("region", "parent")
        .only(*STATE_BODY_PUBLIC_FIELDS)
        .alias(level_rank=level_rank)
        .order_by("level_rank", "name_ru", "id")
    )


class StateBodyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or BIN"),
        method="_search_later",
        max_length=200,
        help_text=_("Name in Kazakh, Russian or English, in Cyrillic or Latin letters, or a BIN or its first digits."),
    )
    level = django_filters.ChoiceFilter(
        choices=StateBody.Level.choices,
        label=_("Level"),
        empty_label=_("All levels"),
        help_text=_("central, regional, city, district or quasi_public."),
    )
    kind = django_filters.ChoiceFilter(
        choices=StateBody.Kind.choices,
        label=_("Kind"),
        empty_label=_("All kinds"),
        help_text=_("ministry, committee, akimat, maslikhat, quasi_public, operator or other."),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.order_by("-kind", "name_en"),
        to_field_name="kato",
        label=_("Region"),
        empty_label=_("All regions"),
        help_text=_("KATO code of the region, e.g. 710000000 (Astana)."),
    )

    class Meta:
        model = StateBody
        fields = ["q", "level", "kind", "region"]

    def _search_later(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return search.search_state_bodies(queryset, self.form.cleaned_data.get("q"))


def state_body_search(params) -> StateBodyFilter:
    return StateBodyFilter(params, queryset=public_state_bodies())


def public_state_body(bin: str) -> StateBody:
    """A state body by BIN, with its parent and children (public fields only)."""
    body = public_state_bodies().filter(bin=bin).first()
    if body is None:
        raise NotFound(_("No state body with BIN %(bin)s is in the register.") % {"bin": bin})
    body.public_children = list(public_state_bodies().filter(parent_id=body.pk))
    return body
