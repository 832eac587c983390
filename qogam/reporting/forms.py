"""Forms of the reporting pages. The report form is generated from `schema.FIELDS`: the rules that
judge its values live in `rules.py`; this module only turns posted inputs into raw content and puts
the rules' messages back next to the inputs they concern."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from qogam.core.models import Region
from qogam.reporting import schema
from qogam.reporting.models import ForeignFundingReceipt, ReportReview

# Blank rows shown under each repeatable field, and how many more "Add rows" gives.
BLANK_ROWS = {schema.BINS: 2, schema.BY_DIRECTION: 2, schema.RECEIPTS: 2, schema.USES: 2}
ROWS_STEP = 3
ROWS_MAX = 300

# The parts of one row of a repeatable field, in the order they are shown.
ROW_PARTS = {
    schema.BINS: ("bin",),
    schema.BY_DIRECTION: ("direction", "amount_kzt"),
    schema.RECEIPTS: ("source_type", "country", "amount_kzt", "received_on", "purpose"),
    schema.USES: ("period_start", "period_end", "amount_kzt", "direction"),
}
PART_LABELS = {
    "bin": _("BIN"),
    "direction": _("Direction"),
    "source_type": _("Source type"),
    "country": _("Country (two-letter code)"),
    "amount_kzt": _("Amount, KZT"),
    "received_on": _("Date received"),
    "purpose": _("Purpose"),
    "period_start": _("Period from"),
    "period_end": _("Period to"),
}
PART_INPUTS = {
    "bin": "text",
    "direction": "select",
    "source_type": "select",
    "country": "text",
    "amount_kzt": "number",
    "received_on": "date",
    "purpose": "text",
    "period_start": "date",
    "period_end": "date",
}
REPEATABLE = frozenset(ROW_PARTS)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _rows_wanted(data, key: str, filled: int, kind: str) -> int:
    try:
        asked = int(data.get(f"{key}-rows", ""))
    except ValueError:
        asked = 0
    return max(min(asked, ROWS_MAX), filled + BLANK_ROWS[kind], BLANK_ROWS[kind])


def raw_from_post(data) -> tuple[dict, dict[str, int]]:
    """The posted inputs as raw report content (strings, as typed) for `rules.normalise_content`, and
    the number of rows to show per repeatable field. Blank rows are dropped, so the n-th row of a
    list is the n-th filled row on the page."""
    raw: dict = {}
    rows: dict[str, int] = {}
    for f in schema.FIELDS:
        if f.kind not in REPEATABLE:
            raw[f.key] = _text(data.get(f.key))
            continue
        try:
            count = int(data.get(f"{f.key}-rows", ""))
        except ValueError:
            count = 0
        count = max(0, min(count, ROWS_MAX))
        parts = ROW_PARTS[f.kind]
        filled = []
        for i in range(count):
            row = {part: _text(data.get(f"{f.key}-{i}-{part}")) for part in parts}
            if any(row.values()):
                filled.append(row)
        rows[f.key] = max(count, len(filled) + BLANK_ROWS[f.kind])
        raw[f.key] = [row["bin"] for row in filled] if f.kind == schema.BINS else filled
    return raw, rows


def raw_from_content(content: dict) -> dict:
    """Stored content (numbers, lists, dicts) in the shape `raw_from_post` gives."""
    blank = schema.empty_content()
    content = content if isinstance(content, dict) else {}
    raw = {}
    for f in schema.FIELDS:
        value = content.get(f.key, blank[f.key])
        if f.kind in (schema.COUNT, schema.AMOUNT):
            raw[f.key] = "" if value is None else str(value)
        elif f.kind == schema.BINS:
            raw[f.key] = [str(v) for v in value] if isinstance(value, list) else []
        elif f.kind == schema.BY_DIRECTION:
            raw[f.key] = (
                [{"direction": str(k), "amount_kzt": str(v)} for k, v in value.items()] if isinstance(value, dict) else []
            )
        else:
            raw[f.key] = (
                [{part: _text(item.get(part)) for part in ROW_PARTS[f.kind]} for item in value if isinstance(item, dict)]
                if isinstance(value, list)
                else []
            )
    return raw


def rows_for_content(raw: dict, asked: dict[str, int] | None = None) -> dict[str, int]:
    asked = asked or {}
    rows = {}
    for f in schema.FIELDS:
        if f.kind in REPEATABLE:
            filled = len(raw.get(f.key) or [])
            rows[f.key] = max(asked.get(f.key, 0), filled + BLANK_ROWS[f.kind])
    return rows


# --- Messages by field ---------------------------------------------------------------------------

_PATH = re.compile(r"^(?P<key>[a-z_0-9]+)(?:[.\[](?P<rest>.*))?$")


def _split(path: str) -> tuple[str, str]:
    match = _PATH.match(str(path))
    if not match:
        return str(path), ""
    return match.group("key"), (match.group("rest") or "").replace("]", "").strip(".")


def _locate(key: str, rest: str, raw: dict) -> tuple[int | None, str]:
    """Where in a repeatable field a message points: (row index or None, column name or "").

    Rows of lists are named by position ("foreign_receipts.1.country"); parts of a split by
    direction by the direction's code ("spending_by_direction.education")."""
    if not rest:
        return None, ""
    head, _dot, part = rest.partition(".")
    if head.isdigit():
        return int(head), part
    f = schema.FIELDS_BY_KEY[key]
    if f.kind == schema.BY_DIRECTION:
        for i, row in enumerate(raw.get(key) or []):
            if isinstance(row, dict) and row.get("direction") == head:
                return i, part or "amount_kzt"
    return None, rest


def _where(index: int | None, part: str) -> str:
    bits = []
    if index is not None:
        bits.append(str(_("row %(number)d") % {"number": index + 1}))
    if part:
        bits.append(str(PART_LABELS.get(part, part)))
    return ", ".join(bits)


@dataclass
class Messages:
    """Errors and warnings sorted by report field; the rest (not about one field) apart."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    general_errors: list[str] = field(default_factory=list)
    general_warnings: list[str] = field(default_factory=list)
    error_rows: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, errors: dict | None = None, warnings: dict | None = None, *, raw: dict | None = None) -> Messages:
        out = cls()
        raw = raw or {}
        for source, by_field, general, is_error in (
            (errors or {}, out.errors, out.general_errors, True),
            (warnings or {}, out.warnings, out.general_warnings, False),
        ):
            for path, messages in source.items():
                key, rest = _split(path)
                messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
                if key not in schema.FIELDS_BY_KEY:
                    general.extend(m for m in messages if m not in general)
                    continue
                index, part = _locate(key, rest, raw)
                where = _where(index, part)
                bucket = by_field.setdefault(key, [])
                for m in messages:
                    text = f"{where}: {m}" if where else m
                    if text not in bucket:
                        bucket.append(text)
                if is_error and index is not None:
                    out.error_rows.setdefault(key, set()).add(index)
        return out

    @property
    def error_count(self) -> int:
        return sum(len(v) for v in self.errors.values()) + len(self.general_errors)

    @property
    def warning_count(self) -> int:
        return sum(len(v) for v in self.warnings.values()) + len(self.general_warnings)

    def summary(self) -> list[tuple[str, str, str]]:
        """(field key or "", label, message) for the list of errors at the top of the form."""
        out = [("", "", m) for m in self.general_errors]
        seen = set()
        for f in schema.FIELDS:
            for m in self.errors.get(f.key, []):
                if m not in seen:  # one rule can mark several fields (the three age bands)
                    seen.add(m)
                    out.append((f.key, str(f.label), m))
        return out


# --- The report form as sections ---------------------------------------------------------------


def _choices(kind: str, part: str, directions) -> list[tuple[str, str]]:
    if part == "direction":
        return [("", "—")] + [(d.code, d.name) for d in directions]
    if part == "source_type":
        return [("", "—")] + [(value, str(label)) for value, label in ForeignFundingReceipt.SourceType.choices]
    return []


def _rows(f, raw: dict, count: int) -> list[dict]:
    value = raw.get(f.key)
    if f.kind == schema.BINS:
        items = [{"bin": v} for v in (value or [])]
    else:
        items = list(value or [])
    items += [{} for _ in range(max(0, count - len(items)))]
    return items


def sections(raw: dict, *, rows: dict[str, int], messages: Messages, directions) -> list[dict]:
    """Everything the report form template needs, table by table, in the schema's order."""
    directions = list(directions)
    out = []
    for table in schema.TABLES:
        fields = []
        for f in schema.FIELDS:
            if f.table != table.code:
                continue
            item = {
                "key": f.key,
                "label": f.label,
                "guidance": f.guidance,
                "kind": f.kind,
                "repeatable": f.kind in REPEATABLE,
                "errors": messages.errors.get(f.key, []),
                "warnings": messages.warnings.get(f.key, []),
            }
            if f.kind in REPEATABLE:
                bad_rows = messages.error_rows.get(f.key, set())
                parts = ROW_PARTS[f.kind]
                item["columns"] = [
                    {"name": part, "label": PART_LABELS[part], "input": PART_INPUTS[part],
                     "choices": _choices(f.kind, part, directions)}
                    for part in parts
                ]
                item["rows"] = [
                    {"index": i, "invalid": i in bad_rows,
                     "cells": [{"name": part, "value": row.get(part, ""), "input": PART_INPUTS[part],
                                "label": PART_LABELS[part], "choices": _choices(f.kind, part, directions)}
                               for part in parts]}
                    for i, row in enumerate(_rows(f, raw, rows.get(f.key, 0)))
                ]
                item["row_count"] = len(item["rows"])
            else:
                item["value"] = raw.get(f.key, "")
            fields.append(item)
        out.append({"code": table.code, "title": table.title, "guidance": table.guidance, "fields": fields,
                    "has_errors": any(i["errors"] for i in fields)})
    return out


def content_sections(content: dict, directions) -> list[dict]:
    """A submitted version's content, read-only, table by table."""
    names = {d.code: d.name for d in directions}
    source_types = dict(ForeignFundingReceipt.SourceType.choices)
    out = []
    for table in schema.TABLES:
        items = []
        for f in schema.FIELDS:
            if f.table != table.code:
                continue
            value = content.get(f.key)
            item = {"key": f.key, "label": f.label, "kind": f.kind, "value": value}
            if f.kind == schema.BY_DIRECTION:
                item["pairs"] = [(names.get(k, k), v) for k, v in sorted((value or {}).items())]
            elif f.kind == schema.RECEIPTS:
                item["items"] = [
                    {**r, "source_type_label": source_types.get(r.get("source_type"), r.get("source_type"))}
                    for r in value or []
                ]
            elif f.kind == schema.USES:
                item["items"] = [{**u, "direction_label": names.get(u.get("direction"), u.get("direction"))}
                                 for u in value or []]
            items.append(item)
        out.append({"code": table.code, "title": table.title, "fields": items})
    return out


# --- Small forms --------------------------------------------------------------------------------


class OpenYearForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    year = forms.TypedChoiceField(label=_("Reporting year"), coerce=int)

    def __init__(self, *args, organisations=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.bin, f"{o.name} ({o.bin})") for o in organisations]
        self.fields["year"].choices = [(y, str(y)) for y in years]


class ExemptionForm(forms.Form):
    under_reorganisation_or_liquidation = forms.BooleanField(
        label=_("The organisation is under reorganisation or liquidation"), required=False
    )
    tax_payment_suspended = forms.BooleanField(
        label=_("Its tax payments are suspended for that reason"), required=False
    )
    no_activity = forms.BooleanField(label=_("It had no activity in the reporting year"), required=False)
    note = forms.CharField(
        label=_("Explanation (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example the date and number of the decision to liquidate. Do not enter personal data."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    CONDITIONS = ("under_reorganisation_or_liquidation", "tax_payment_suspended", "no_activity")

    def declaration(self) -> dict:
        data = self.cleaned_data
        return {"exemption": {name: bool(data.get(name)) for name in self.CONDITIONS}, "note": data.get("note", "")}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=ReportReview.Decision.choices, label=_("Decision"))
    reasons = forms.CharField(
        label=_("Reasons (required when you return a report)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == ReportReview.Decision.RETURNED and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Say what must be corrected: the organisation sees these reasons."))
        return data


class ReceiptLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Receipt number"),
        max_length=40,
        help_text=_("As printed on the receipt, e.g. QR-2025-000123-02."),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()


def _region_choices():
    return [("", _("All regions"))] + [(r.kato, r.name) for r in Region.objects.order_by("-kind", "name_en")]


class RegionYearForm(forms.Form):
    """The year and region filters of the overdue list and the foreign-funding register."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, years=(), any_year: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(y, str(y)) for y in years]
        if any_year:
            choices = [("", any_year), *choices]
        self.fields["year"].choices = choices
        self.fields["year"].empty_value = None
        self.fields["region"].choices = _region_choices()
