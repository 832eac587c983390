"""What every action page of councils shares: a form described as a list of fields, drawn by one
template (`councils/form.html`), posted to one service call, and redrawn with the service's refusal
beside its fields and the input kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from qogam.core.errors import ValidationFailed
from qogam.councils.models import Council
from qogam.funding.forms import Errors, attempt
from qogam.registry.models import StateBody


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | date | number | select | url
    choices: Sequence[tuple[str, str]] = ()
    help: str = ""
    required: bool = True


def parse_date(value: str, field: str, problems: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        from django.utils.translation import gettext as _

        problems[field] = [_("Enter a date as YYYY-MM-DD, or pick it in the calendar.")]
        return None


def parse_int(value: str, field: str, problems: dict, *, required: bool = True) -> int | None:
    from django.utils.translation import gettext as _

    value = (value or "").strip().replace(" ", "")
    if not value and not required:
        return None
    if not value.isdigit():
        problems[field] = [_("Enter a whole number.")]
        return None
    return int(value)


def council_or_403(pk, check: Callable[[Council], bool], message) -> Council:
    """The council, or the 404 page; the 403 page with `message` when `check(council)` is false."""
    council = get_object_or_404(Council.objects.select_related("host_body"), pk=pk)
    if not check(council):
        raise PermissionDenied(message)
    return council


def refuse(problems: dict) -> None:
    """Input a page could not parse, refused like a service's refusal (shown beside its fields)."""
    if problems:
        raise ValidationFailed(fields=problems)


def body_choices() -> list[tuple[str, str]]:
    """The register of state bodies as the choices of an addressee or a responsible body."""
    return [(str(b.pk), f"{b.name} ({b.get_level_display()})")
            for b in StateBody.objects.select_related("region").order_by("level", "name_ru", "pk")]


def paragraphs(text: str) -> list[str]:
    """Parts of a text separated by an empty line."""
    blocks, current = [], []
    for line in (text or "").splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def action_page(request, *, title: str, intro: str = "", fields: Sequence[Field], submit: str,
                call: Callable[[dict], tuple[Callable, dict]], success: str, done: Callable[[object], object],
                back: tuple[str, str] | None = None, initial: dict | None = None, template: str = "councils/form.html",
                extra: dict | None = None):
    """GET: the form. POST: `call(data)` gives (service, its keyword arguments) or raises ValidationFailed
    for input it cannot parse; the service runs; success redirects to `done(result)` with a message."""
    data = dict(initial or {})
    errors = Errors()
    status = 200
    if request.method == "POST":
        data = {f.name: request.POST.get(f.name, "") for f in fields}
        data.update({k: v for k, v in request.POST.items() if k not in data and k != "csrfmiddlewaretoken"})
        try:
            service, kwargs = call(data)
        except ValidationFailed as unparsed:
            result, refusal, status = None, unparsed, 400
        else:
            result, refusal, status = attempt(service, **kwargs)
        if refusal is None:
            messages.success(request, success)
            return redirect(done(result))
        errors = Errors(refusal, shown=[f.name for f in fields])
    return render(request, template, {
        "title": title, "intro": intro, "data": data, "errors": errors, "submit": submit,
        "rows": [(f, str(data.get(f.name, "") or ""), errors.get(f.name)) for f in fields],
        "back": back, **(extra or {}),
    }, status=status)
