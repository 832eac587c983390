"""Moving a stateful record along its state machine: one way for every app (ARCHITECTURE: "a service
refuses any transition not in the table"; every transition is audit-logged)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from qogam.core import audit
from qogam.core.errors import Conflict


def move(obj, new: str, *, allowed: Callable[[str, str], bool], actor, action: str, fields: Iterable[str] = (),
         after: dict | None = None) -> None:
    """Move `obj` from its status to `new` if `allowed(old, new)`, save the status and `fields`, and audit
    the move; otherwise refuse with a Conflict that names the record's current status."""
    old = obj.status
    if not allowed(old, new):
        raise Conflict(
            _("This cannot be done now: the %(what)s is %(status)s.") % {
                "what": obj._meta.verbose_name, "status": obj.get_status_display()},
            code="invalid_transition",
        )
    obj.status = new
    obj.save(update_fields=["status", *fields])
    audit.record(action=action, obj=obj, before={"status": old}, after={"status": new, **(after or {})}, actor=actor)
