"""Every write to the register: organisations, their founders and leader, and state bodies.

Each function checks permission, validates (validation.py), writes inside one transaction and
appends to the audit log in the same transaction.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qogam.accounts.permissions import (
    can_create_organisation,
    can_manage_state_bodies,
    can_update_organisation,
    is_authorised_body,
)
from qogam.core import audit
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.personal import iin_hash
from qogam.registry.models import Founder, Leader, Organisation, StateBody
from qogam.registry.search_key import search_key
from qogam.registry.validation import (
    clean_organisation,
    clean_state_body,
    founder_errors,
    leader_errors,
    organisation_values,
    state_body_values,
)

OBJECT_TYPE = "registry.organisation"

# Registration facts come from the state register of legal entities (Ministry of Justice); the
# authorised body keeps them. A representative keeps the rest of the entry (DOMAIN §1: an NGO
# "keeps its register entry").
REGISTRATION_FIELDS = ("legal_form", "registered_on", "status", "liquidated_on")

_SCALAR_FIELDS = (
    "name_ru",
    "name_kk",
    "registered_on",
    "status",
    "liquidated_on",
    "address",
    "territorial_level",
    "leader_gender",
    "email",
    "phone",
    "website",
)


def organisation_model_fields(values: dict) -> dict:
    fields = {name: values[name] for name in _SCALAR_FIELDS}
    fields["legal_form_id"] = values["legal_form"]
    fields["region_id"] = values["region"]
    fields["search_key"] = search_key(values["name_ru"], values["name_kk"])
    return fields


def organisation_create(*, actor, data: dict) -> Organisation:
    if not can_create_organisation(actor):
        raise PermissionDeniedError(_("Only the authorised body can add organisations to the register."))
    cleaned = clean_organisation(data)
    if cleaned.errors:
        raise ValidationFailed(fields=cleaned.errors)
    values = cleaned.values
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(bin=values["bin"], version=1, **organisation_model_fields(values))
            organisation.branch_regions.set(values["branch_regions"])
            organisation.directions.set(values["directions"])
            audit.record(
                action="organisation_create", object_type=OBJECT_TYPE, object_id=organisation.pk,
                before=None, after=values, actor=actor,
            )
    except IntegrityError:
        if Organisation.objects.filter(bin=values["bin"]).exists():
            raise ValidationFailed(fields={"bin": [_(
                "An organisation with this BIN is already registered. Find it in the register and edit it instead."
            )]}) from None
        raise
    return organisation


def organisation_update(*, actor, organisation: Organisation, expected_version: int, changes: dict) -> Organisation:
    """Apply `changes` if the organisation is still at `expected_version`; otherwise raise Conflict.

    The version check and bump are one `UPDATE … WHERE id = ? AND version = ?`, so of two updates
    made from the same version exactly one wins. An update that changes nothing writes nothing.
    """
    if not can_update_organisation(actor, organisation):
        raise PermissionDeniedError(_("Only the authorised body or an approved representative of this "
                                      "organisation can change its register entry."))
    with transaction.atomic():
        current = Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if current is None or current.version != expected_version:
            raise Conflict()
        before = organisation_values(current)
        cleaned = clean_organisation(changes, existing=current)
        if cleaned.errors:
            raise ValidationFailed(fields=cleaned.errors)
        after = cleaned.values
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            organisation.refresh_from_db()
            return organisation
        refused = [name for name in changed if name in REGISTRATION_FIELDS]
        if refused and not is_authorised_body(actor):
            raise PermissionDeniedError(
                _("Registration facts (legal form, registration date, status, liquidation date) are kept by the "
                  "authorised body. Ask it to correct them."),
                fields={name: [_("Only the authorised body can change this field.")] for name in refused},
            )
        updated = Organisation.objects.filter(pk=current.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **organisation_model_fields(after)
        )
        if updated != 1:
            raise Conflict()
        if after["branch_regions"] != before["branch_regions"]:
            current.branch_regions.set(after["branch_regions"])
        if after["directions"] != before["directions"]:
            current.directions.set(after["directions"])
        audit.record(
            action="organisation_update", object_type=OBJECT_TYPE, object_id=current.pk,
            before=before, after=after, actor=actor,
        )
    organisation.refresh_from_db()
    return organisation


# --- Founders and the leader (personal data: the IIN is kept only as a keyed hash) -------------


def _personal_snapshot(obj) -> dict:
    if isinstance(obj, Leader):
        return {"organisation": obj.organisation.bin, "full_name": obj.full_name, "iin_hash": obj.iin_hash}
    return {
        "organisation": obj.organisation.bin,
        "kind": obj.kind,
        "bin": obj.bin,
        "entity_name": obj.entity_name,
        "full_name": obj.full_name,
        "iin_hash": obj.iin_hash,
    }


def founder_save(*, actor, founder: Founder, iin: str | None = None) -> Founder:
    """Add or change a founder: an individual (name, optional IIN) or a legal entity (BIN, name)."""
    if not can_update_organisation(actor, founder.organisation):
        raise PermissionDeniedError()
    founder.bin = (founder.bin or "").strip()
    founder.full_name = (founder.full_name or "").strip()
    founder.entity_name = (founder.entity_name or "").strip()
    iin = (iin or "").strip()
    errors = founder_errors(
        kind=founder.kind, bin=founder.bin, entity_name=founder.entity_name, full_name=founder.full_name, iin=iin
    )
    if errors:
        raise ValidationFailed(fields=errors)
    if founder.kind == Founder.Kind.LEGAL_ENTITY:
        founder.iin_hash = ""
    elif iin:
        founder.iin_hash = iin_hash(iin)
    with transaction.atomic():
        before = _personal_snapshot(Founder.objects.get(pk=founder.pk)) if founder.pk else None
        founder.save()
        audit.record(action="founder_save", obj=founder, before=before, after=_personal_snapshot(founder), actor=actor)
    return founder


def founder_delete(*, actor, founder: Founder) -> None:
    if not can_update_organisation(actor, founder.organisation):
        raise PermissionDeniedError()
    with transaction.atomic():
        before = _personal_snapshot(founder)
        pk = founder.pk
        founder.delete()
        audit.record(action="founder_delete", object_type="registry.founder", object_id=pk, before=before,
                     after=None, actor=actor)


def leader_save(*, actor, leader: Leader, iin: str | None = None) -> Leader:
    if not can_update_organisation(actor, leader.organisation):
        raise PermissionDeniedError()
    leader.full_name = (leader.full_name or "").strip()
    iin = (iin or "").strip()
    errors = leader_errors(full_name=leader.full_name, iin=iin)
    if errors:
        raise ValidationFailed(fields=errors)
    if iin:
        leader.iin_hash = iin_hash(iin)
    with transaction.atomic():
        before = _personal_snapshot(Leader.objects.get(pk=leader.pk)) if leader.pk else None
        leader.save()
        audit.record(action="leader_save", obj=leader, before=before, after=_personal_snapshot(leader), actor=actor)
    return leader


def leader_delete(*, actor, leader: Leader) -> None:
    if not can_update_organisation(actor, leader.organisation):
        raise PermissionDeniedError()
    with transaction.atomic():
        before = _personal_snapshot(leader)
        pk = leader.pk
        leader.delete()
        audit.record(action="leader_delete", object_type="registry.leader", object_id=pk, before=before,
                     after=None, actor=actor)


# --- State bodies ------------------------------------------------------------------------------


def state_body_create(*, actor, data: dict) -> StateBody:
    if not can_manage_state_bodies(actor):
        raise PermissionDeniedError(_("Only the authorised body can keep the register of state bodies."))
    cleaned = clean_state_body(data)
    if cleaned.errors:
        raise ValidationFailed(fields=cleaned.errors)
    values = cleaned.values
    try:
        with transaction.atomic():
            state_body = StateBody.objects.create(
                bin=values["bin"], name_kk=values["name_kk"], name_ru=values["name_ru"], name_en=values["name_en"],
                level=values["level"], kind=values["kind"], region_id=values["region"], parent_id=values["parent"],
                website=values["website"],
            )
            audit.record(action="state_body_create", obj=state_body, before=None,
                         after=state_body_values(state_body), actor=actor)
    except IntegrityError:
        if StateBody.objects.filter(bin=values["bin"]).exists():
            raise ValidationFailed(fields={"bin": [_(
                "A state body with this BIN is already registered. Find it and edit it instead."
            )]}) from None
        raise
    return state_body


def state_body_update(*, actor, state_body: StateBody, changes: dict) -> StateBody:
    if not can_manage_state_bodies(actor):
        raise PermissionDeniedError(_("Only the authorised body can keep the register of state bodies."))
    with transaction.atomic():
        current = StateBody.objects.select_for_update().get(pk=state_body.pk)
        before = state_body_values(current)
        cleaned = clean_state_body(changes, existing=current)
        if cleaned.errors:
            raise ValidationFailed(fields=cleaned.errors)
        values = cleaned.values
        for name in ("bin", "name_kk", "name_ru", "name_en", "level", "kind", "website"):
            setattr(current, name, values[name])
        current.region_id = values["region"]
        current.parent_id = values["parent"]
        after = state_body_values(current)
        changed = [name for name in after if after[name] != before[name]]
        if changed:
            try:
                with transaction.atomic():
                    current.save()
            except IntegrityError:
                raise ValidationFailed(fields={"bin": [_(
                    "A state body with this BIN is already registered. Find it and edit it instead."
                )]}) from None
            audit.record(
                action="state_body_update", obj=current, before={n: before[n] for n in changed},
                after={n: after[n] for n in changed}, actor=actor,
            )
    state_body.refresh_from_db()
    return state_body
