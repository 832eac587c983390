"""Forms of the councils' pages whose input is a table of people: the working group that reviews the
applications to a call (full name, whom they represent, organisation), and the representatives of state
bodies added when the selection is recorded (full name, body).

They are Django formsets with blank rows at the end. A row left blank is dropped; every other row goes to
the service as it was typed, and the service judges it (names required, the two-thirds rule). "Add a row"
(`action=add-<prefix>`) redraws the table with the rows typed so far and more blank rows, without saving.
"""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from qogam.councils.models import CONSTITUENCY_CHOICES

EXTRA_ROWS = 3
MAX_ROWS = 100
WORKING_GROUP_PREFIX = "members"
STATE_PREFIX = "state"


class PersonRow(forms.Form):
    full_name = forms.CharField(label=_("Full name (surname first)"), max_length=200, required=False)
    affiliation = forms.CharField(label=_("Organisation or body"), max_length=500, required=False)


class WorkingGroupRow(PersonRow):
    constituency = forms.ChoiceField(label=_("Represents"), choices=[("", "—"), *CONSTITUENCY_CHOICES],
                                     required=False)
    field_order = ["full_name", "constituency", "affiliation"]


class PeopleFormSet(BaseFormSet):
    """A table of people; `rows()` gives the filled rows to a service."""

    def typed(self) -> list[dict[str, str]]:
        """The rows as typed (valid or not), blank ones dropped: what "Add a row" keeps."""
        out = []
        for form in self.forms:
            row = {name: str(form[name].value() or "").strip() for name in form.fields}
            if any(row.values()):
                out.append(row)
        return out

    def rows(self) -> list[dict[str, str]]:
        """The filled rows, cleaned; call after `is_valid()`."""
        out = []
        for form in self.forms:
            row = {name: (form.cleaned_data.get(name) or "").strip() for name in form.fields}
            if any(row.values()):
                out.append(row)
        return out


def _formset(form, *, data=None, initial=(), prefix: str, extra: int = EXTRA_ROWS, minimum: int = 0):
    initial = list(initial)
    cls = formset_factory(form, formset=PeopleFormSet, extra=max(extra, minimum - len(initial)), max_num=MAX_ROWS,
                          absolute_max=MAX_ROWS, validate_max=True)
    return cls(data, initial=initial or None, prefix=prefix)


def working_group_formset(data=None, *, initial=(), minimum: int = 0, more: bool = False) -> PeopleFormSet:
    """The working group table: bound to `data` when posted; with `more`, the typed rows and more blank
    rows instead (nothing is validated then)."""
    if data is not None and more:
        typed = _formset(WorkingGroupRow, data=data, prefix=WORKING_GROUP_PREFIX).typed()
        return _formset(WorkingGroupRow, initial=typed, prefix=WORKING_GROUP_PREFIX, extra=EXTRA_ROWS + 2)
    return _formset(WorkingGroupRow, data=data, initial=initial, prefix=WORKING_GROUP_PREFIX, minimum=minimum)


def state_formset(data=None, *, more: bool = False) -> PeopleFormSet:
    """The table of state representatives added to the composition when the selection is recorded."""
    if data is not None and more:
        typed = _formset(PersonRow, data=data, prefix=STATE_PREFIX).typed()
        return _formset(PersonRow, initial=typed, prefix=STATE_PREFIX, extra=EXTRA_ROWS + 2)
    return _formset(PersonRow, data=data, prefix=STATE_PREFIX)
