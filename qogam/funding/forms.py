"""Form handling of the competition engine's pages for applicants, experts and the public: posted inputs
turned into what the services take, and the services' refusals put back beside the inputs they name.

The services judge (`services.py`, `rules.py`); this module only reads and places. Repeated fields are
posted as `<name>-<i>-<part>` with `<name>-rows`; blank rows are dropped, so the n-th row given to a
service is the n-th filled row on the page and an error keyed `activities.2.end_month` lands on it.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed

ROWS_MAX = 100
ROWS_EXTRA = 1
ROWS_MINIMUM = 2

# The application form (issue 4 "Application"): simple fields, repeated fields with their parts.
APPLICATION_FIELDS = ("title", "language", "summary", "goals", "months", "requested_amount", "beneficiaries",
                      "beneficiaries_text", "region", "direction")
APPLICATION_ROWS = {
    "activities": ("name", "start_month", "end_month"),
    "budget_lines": ("item", "amount"),
    "results": ("result", "indicator", "target"),
}
# NGO awards (issue 5): the contribution already made, instead of a project.
CONTRIBUTION_FIELDS = ("title", "language", "summary", "years_active", "recognition", "innovation", "efficiency",
                       "beneficiaries", "region", "direction")
CONTRIBUTION_ROWS = {"achievements": ("year", "achievement", "evidence")}
LANGUAGES = (("kk", gettext_lazy("Kazakh")), ("ru", gettext_lazy("Russian")))

MONITORING_PARTS = ("indicator", "target", "achieved")


class Errors:
    """A refused service call placed on a page.

    `fields[key]` are the messages of a field shown on the page (`errors.fields.title`, or `errors.title`,
    in a template); `get(key)` reads any key, dotted ones included (`budget_lines.1.amount`,
    `relevance.value`). A repeated field named in `rows` keeps its rows' messages apart:
    `row(name, i)` is {part: messages} of its i-th posted row. `general` holds the message of a refusal
    about no field, and the messages of fields the page does not show, so that nothing the service said
    is lost.
    """

    def __init__(self, exc=None, *, shown=(), rows=()):
        self.fields: dict[str, list[str]] = {}
        self.rows: dict[str, dict[int, dict[str, list[str]]]] = {}
        self.general: list[str] = []
        if exc is None:
            return
        raw = {str(k): [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
               for k, v in (getattr(exc, "fields", None) or {}).items()}
        shown = {*shown, *rows}
        if not raw or not any(key in shown or key.split(".")[0] in shown for key in raw):
            self.general.append(str(exc.message))
        for key, messages in raw.items():
            head, _dot, rest = key.partition(".")
            index, _dot, part = rest.partition(".")
            if head in rows and index.isdigit():
                bucket = self.rows.setdefault(head, {}).setdefault(int(index), {}).setdefault(part, [])
            elif key in shown or head in shown:
                bucket = self.fields.setdefault(key, [])
            else:
                bucket = self.general
            bucket.extend(m for m in messages if m not in bucket)

    def __getitem__(self, key):
        """`errors.<field>` in a template."""
        if key in self.fields:
            return self.fields[key]
        raise KeyError(key)

    def __bool__(self) -> bool:
        return bool(self.fields or self.rows or self.general)

    @property
    def messages(self) -> list[str]:
        """Every message, for a page that cannot show them beside their fields."""
        out = list(self.general)
        for found in self.fields.values():
            out.extend(m for m in found if m not in out)
        for by_index in self.rows.values():
            for parts in by_index.values():
                for found in parts.values():
                    out.extend(m for m in found if m not in out)
        return out

    def get(self, key: str) -> list[str]:
        return self.fields.get(key, [])

    def row(self, name: str, index: int) -> dict[str, list[str]]:
        return self.rows.get(name, {}).get(index, {})


def attempt(service, **kwargs):
    """(result, None, 200), or (None, the refusal, its status) when the service refused the input
    (ValidationFailed → 400) or the state of the record (Conflict → 409). A refused permission is the
    403 page and a missing record the 404 page; nothing is written in any of these cases."""
    from django.core.exceptions import PermissionDenied

    try:
        return service(**kwargs), None, 200
    except ValidationFailed as exc:
        return None, exc, 400
    except Conflict as exc:
        return None, exc, 409
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None
    except NotFound as exc:
        raise Http404(str(exc.message)) from None


def read(selector, *args, **kwargs):
    """A selector's answer; NotFound is the 404 page and PermissionDeniedError the 403 page."""
    from django.core.exceptions import PermissionDenied

    try:
        return selector(*args, **kwargs)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None


def obj_or_404(queryset, pk):
    """The record of `queryset` with this key, or the 404 page."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(_("Not found."))
    return found


def text(data, key: str) -> str:
    return (data.get(key) or "").strip()


def posted_rows(data, prefix: str, parts, *, checkboxes=()) -> list[dict]:
    """The filled rows of a repeated field; blank rows are dropped. A part named in `checkboxes` is
    True when its box was ticked, and does not by itself make a row filled."""
    try:
        count = max(0, min(int(data.get(f"{prefix}-rows", "")), ROWS_MAX))
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        row = {part: text(data, f"{prefix}-{i}-{part}") for part in parts if part not in checkboxes}
        if any(row.values()):
            rows.append({**row, **{part: data.get(f"{prefix}-{i}-{part}") == "on" for part in checkboxes}})
    return rows


PART_LABELS = {
    "name": gettext_lazy("Activity"), "start_month": gettext_lazy("From month"), "end_month": gettext_lazy("To month"),
    "item": gettext_lazy("Budget line"), "amount": gettext_lazy("Amount, KZT"), "result": gettext_lazy("Result"),
    "indicator": gettext_lazy("Indicator"), "target": gettext_lazy("Target"), "achieved": gettext_lazy("Achieved"),
    "year": gettext_lazy("Year"), "achievement": gettext_lazy("Achievement"),
    "evidence": gettext_lazy("Evidence (a link or a document)"),
}
NUMERIC_PARTS = frozenset({"start_month", "end_month", "amount", "target", "achieved", "year"})


def shown_rows(rows: list[dict], parts, *, errors: Errors | None = None, name: str = "", extra: int = ROWS_EXTRA,
               minimum: int = ROWS_MINIMUM) -> dict:
    """A table of inputs for a repeated field: the filled rows, each cell with its value and messages,
    then blank rows (`funding/_rows.html` shows it)."""
    out = []
    for i in range(max(len(rows) + extra, minimum)):
        row = rows[i] if i < len(rows) else {}
        cells = [{"part": part, "value": row.get(part, ""), "label": PART_LABELS.get(part, part),
                  "key": f"{name}-{i}-{part}", "eid": f"e-{name}-{i}-{part}",
                  "numeric": part in NUMERIC_PARTS,
                  "errors": errors.get(f"{name}.{i}.{part}") if errors and i < len(rows) else []}
                 for part in parts]
        out.append({"index": i, "cells": cells, "invalid": any(c["errors"] for c in cells)})
    own = errors.get(name) if errors else []
    return {"name": name, "columns": [PART_LABELS.get(part, part) for part in parts], "rows": out, "errors": own,
            "invalid": bool(own) or any(row["invalid"] for row in out)}


# --- The application ----------------------------------------------------------------------------------


def _blank_zero(value) -> str:
    """A stored number as the form shows it: nothing for the zero of an empty draft."""
    text_value = "" if value is None else str(value)
    return "" if text_value in ("0", "") else text_value


def _shape(contribution: bool):
    return (CONTRIBUTION_FIELDS, CONTRIBUTION_ROWS) if contribution else (APPLICATION_FIELDS, APPLICATION_ROWS)


def application_input(application, contribution: bool = False) -> dict:
    """The form's values from the application's saved draft."""
    draft = application.draft or {}
    if contribution:
        data = {"title": application.title, "language": application.language,
                "years_active": _blank_zero(draft.get("years_active")),
                "beneficiaries": _blank_zero(draft.get("beneficiaries")),
                "region": draft.get("region") or (application.lot.region_id or ""),
                "direction": draft.get("direction") or application.lot.direction_id,
                **{key: draft.get(key, "") for key in ("summary", "recognition", "innovation", "efficiency")}}
        data["achievements"] = [{part: str(row.get(part, "")) for part in CONTRIBUTION_ROWS["achievements"]}
                                for row in draft.get("achievements") or []]
        return data
    data = {
        "title": application.title, "language": application.language,
        "summary": draft.get("summary", ""), "goals": "\n".join(draft.get("goals") or []),
        "months": _blank_zero(draft.get("months")), "requested_amount": _blank_zero(draft.get("requested_amount")),
        "beneficiaries": _blank_zero(draft.get("beneficiaries")),
        "beneficiaries_text": draft.get("beneficiaries_text", ""),
        "region": draft.get("region") or (application.lot.region_id or ""),
        "direction": draft.get("direction") or application.lot.direction_id,
    }
    for name, parts in APPLICATION_ROWS.items():
        data[name] = [{part: str(row.get(part, "")) for part in parts} for row in draft.get(name) or []]
    return data


def application_from_post(post, contribution: bool = False) -> dict:
    """The form's values as posted, kept as typed so that a refused save shows them again."""
    fields, rows = _shape(contribution)
    data = {key: text(post, key) for key in fields if key not in ("goals", "summary", "recognition", "innovation",
                                                                 "efficiency")}
    for key in ("goals", "summary", "recognition", "innovation", "efficiency"):
        if key in fields:
            data[key] = (post.get(key) or "").strip()
    for name, parts in rows.items():
        data[name] = posted_rows(post, name, parts)
    return data


def application_content(data: dict, contribution: bool = False) -> dict:
    """What `services.application_update` takes as `data`, from the form's values."""
    if contribution:
        content = {key: data[key] for key in CONTRIBUTION_FIELDS if key not in ("title", "language")}
        content["achievements"] = [dict(row) for row in data["achievements"]]
        return content
    content = {key: data[key] for key in ("summary", "months", "requested_amount", "beneficiaries",
                                          "beneficiaries_text", "region", "direction")}
    content["goals"] = [line.strip() for line in data["goals"].splitlines() if line.strip()]
    for name in APPLICATION_ROWS:
        content[name] = [dict(row) for row in data[name]]
    return content


def application_rows(data: dict, errors: Errors, *, add: str = "", contribution: bool = False) -> dict[str, dict]:
    """The repeated fields of the form as rows to show, one more blank row where `add` names it."""
    return {name: shown_rows(data[name], parts, errors=errors, name=name,
                             extra=ROWS_EXTRA + (1 if add == name else 0))
            for name, parts in _shape(contribution)[1].items()}


APPLICATION_SHOWN = (*APPLICATION_FIELDS, *APPLICATION_ROWS, *CONTRIBUTION_FIELDS, *CONTRIBUTION_ROWS, "documents",
                     "lot")


# --- Monitoring reports -------------------------------------------------------------------------------


def monitoring_initial(content: dict, lines: dict) -> dict:
    """A first report: the indicators and targets the application promised, the budget lines blank."""
    indicators = [{"indicator": row.get("indicator", ""), "target": str(row.get("target", "")), "achieved": ""}
                  for row in content.get("results") or [] if row.get("indicator")]
    return {"indicators": indicators, "beneficiaries": "", "narrative": "",
            "spending": [{"item": item, "amount": ""} for item in lines]}


def monitoring_from_report(report, lines: dict) -> dict:
    """A correction starts from the returned report."""
    content = report.content or {}
    spent = content.get("spending") or {}
    items = list(lines) + [item for item in spent if item not in lines]
    return {"indicators": [{"indicator": row.get("indicator", ""), "target": str(row.get("target", "")),
                            "achieved": str(row.get("achieved", ""))} for row in content.get("indicators") or []],
            "beneficiaries": str(content.get("beneficiaries", "")), "narrative": content.get("narrative", ""),
            "spending": [{"item": item, "amount": str(spent.get(item, ""))} for item in items]}


def monitoring_from_post(post, lines: dict) -> dict:
    try:
        count = max(0, min(int(post.get("spending-rows", "")), ROWS_MAX))
    except ValueError:
        count = 0
    allowed = set(lines)
    spending = []
    for i in range(count):
        item = text(post, f"spending-{i}-item")
        if item in allowed:
            spending.append({"item": item, "amount": text(post, f"spending-{i}-amount")})
    return {"indicators": posted_rows(post, "indicators", MONITORING_PARTS),
            "beneficiaries": text(post, "beneficiaries"), "narrative": (post.get("narrative") or "").strip(),
            "spending": spending}


def monitoring_content(data: dict) -> dict:
    """What `services.monitoring_report_submit` takes as `content`."""
    return {"indicators": [dict(row) for row in data["indicators"]], "beneficiaries": data["beneficiaries"],
            "spending": {row["item"]: row["amount"] for row in data["spending"]}, "narrative": data["narrative"]}


def spending_rows(data: dict, lines: dict, errors: Errors) -> list[dict]:
    return [{"item": row["item"], "amount": row["amount"], "budget": lines.get(row["item"]),
             "errors": errors.get(f"spending.{row['item']}")} for row in data["spending"]]


MONITORING_SHOWN = ("indicators", "beneficiaries", "spending", "narrative")


# --- Scores -------------------------------------------------------------------------------------------


def scores_from_post(post, criteria) -> dict:
    """{criterion code: {value, justification}} as typed."""
    return {c.code: {"value": text(post, f"score-{c.code}"),
                     "justification": (post.get(f"justification-{c.code}") or "").strip()} for c in criteria}


def score_rows(criteria, scores: dict, errors: Errors) -> list[dict]:
    return [{"criterion": c, "value": scores.get(c.code, {}).get("value", ""),
             "justification": scores.get(c.code, {}).get("justification", ""),
             "errors_value": errors.get(f"{c.code}.value"),
             "errors_justification": errors.get(f"{c.code}.justification")} for c in criteria]


def invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(fields={field: [str(message)]})
