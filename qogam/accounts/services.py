"""Every state change of accounts: users, second-factor devices and representations."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import hex_validator, random_hex

from qogam.accounts import rules
from qogam.accounts.models import Representation, Role, User
from qogam.accounts.permissions import (
    can_decide_representation,
    can_request_representation,
    can_revoke_representation,
    has_full_session,
    second_factor_required,
)
from qogam.accounts.selectors import user_email_taken
from qogam.core import audit
from qogam.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from qogam.core.validators import bin_error_message
from qogam.registry.models import Organisation

logger = logging.getLogger(__name__)

DEMO_DEVICE_NAME = "demo"

_POSITION_MESSAGES = {
    "position_required": _("State your position in the organisation, for example “director” or “accountant”."),
    "position_too_long": _("The position is too long: use at most 200 characters."),
}
_DECISION_MESSAGES = {
    "unknown_decision": _("Choose “approve” or “reject”."),
    "reason_too_long": _("The reason is too long: use at most 2,000 characters."),
    "reason_required": _("Say why the request is rejected, so that the person can correct it."),
}


# --- Users -------------------------------------------------------------------------------------


def user_signup(*, username: str, email: str, password: str, language: str = "kk") -> User:
    """Self sign-up. The role is always NGO representative; staff roles are granted in the admin."""
    username = (username or "").strip()
    email = (email or "").strip()
    errors: dict[str, list] = {}
    username_field = User._meta.get_field("username")
    try:
        username_field.run_validators(User.normalize_username(username))
        if not username:
            raise ValidationError(_("Choose a username."))
    except ValidationError as exc:
        errors["username"] = list(exc.messages)
    if "username" not in errors and User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken. Choose another one.")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address, for example name@example.kz.")]
    if "email" not in errors and user_email_taken(email):
        errors["email"] = [
            _("This e-mail address is already used by an account. If it is yours, reset your password.")
        ]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    user = User(username=User.normalize_username(username), email=email, role=Role.NGO, language=language)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(fields=errors)
    user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationFailed(fields={"username": [_("This username is taken. Choose another one.")]}) from None
        audit.record(
            action="accounts.user_signup",
            obj=user,
            after={"username": user.username, "role": user.role, "language": user.language},
            actor=user,
        )
    return user


def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(fields={"language": [_("Choose one of the offered languages.")]})
    if user.language == language:
        return user
    with transaction.atomic():
        before = {"language": user.language}
        user.language = language
        user.save(update_fields=["language"])
        audit.record(action="accounts.user_set_language", obj=user, before=before, after={"language": language},
                     actor=user)
    return user


def user_password_changed(*, user: User, via: str) -> None:
    """Record that a password was changed (by its owner, or through a reset link)."""
    audit.record(action="accounts.password_change", obj=user, after={"via": via}, actor=user)


# --- Second factor (TOTP) ----------------------------------------------------------------------


def totp_device_create(
    *, user: User, secret_hex: str | None = None, confirmed: bool = True, name: str = "default", actor=None
) -> TOTPDevice:
    """A TOTP device for `user`. The demo generator passes a fixed secret and the name "demo"."""
    key = secret_hex or random_hex(20)
    try:
        hex_validator()(key)
        if not 10 <= len(key) // 2 <= 40:
            raise ValidationError("length")
    except ValidationError:
        raise ValidationFailed(
            fields={"secret_hex": [_("The secret must be hexadecimal: 10 to 40 bytes (20 to 80 hex digits).")]}
        ) from None
    if not name or len(name) > 64:
        raise ValidationFailed(fields={"name": [_("A device name has 1 to 64 characters.")]})
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name=name, key=key.lower(), confirmed=confirmed)
        audit.record(
            action="accounts.totp_device_create",
            obj=device,
            after={"user_id": user.pk, "name": name, "confirmed": confirmed},
            actor=actor if actor is not None else user,
        )
    return device


def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page, created once and reused on reload."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict(
            _("Two-factor sign-in is already set up for this account. Enter a code from your app instead."),
            code="totp_already_enabled",
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or totp_device_create(user=user, confirmed=False)


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with its first code. False when the code is wrong (the device's own
    throttling counts the failure, so this must not run inside a transaction that rolls back)."""
    if device.user_id != user.pk or device.confirmed:
        raise NotFound()
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit.record(
            action="accounts.totp_device_confirm", obj=device, after={"user_id": user.pk, "confirmed": True},
            actor=user,
        )
    return True


def totp_disable(*, actor: User, user: User, token: str | None = None) -> int:
    """Remove a user's TOTP devices.

    A person may switch off voluntary two-factor sign-in with a current code; staff roles may not.
    An administrator may reset anyone's devices (a lost phone); they enrol again at next sign-in.
    """
    is_admin = has_full_session(actor) and (actor.is_superuser or actor.role == Role.ADMIN)
    if actor.pk == user.pk and not is_admin:
        if second_factor_required(user):
            raise PermissionDeniedError(
                _("Two-factor sign-in is required for your role and cannot be switched off.")
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise Conflict(_("Two-factor sign-in is not switched on."), code="totp_not_enabled")
        if not device.verify_token(token or ""):
            raise ValidationFailed(fields={"token": [_("The code is not correct. Enter the current code from your app.")]})
    elif not is_admin:
        raise PermissionDeniedError()
    with transaction.atomic():
        count, _detail = TOTPDevice.objects.filter(user=user).delete()
        audit.record(
            action="accounts.totp_disable", object_type="accounts.user", object_id=user.pk,
            after={"user_id": user.pk, "devices_removed": count}, actor=actor,
        )
    return count


# --- Representation ----------------------------------------------------------------------------


def _representation_state(rep: Representation) -> dict:
    return {
        "user_id": rep.user_id,
        "organisation_bin": rep.organisation.bin,
        "status": rep.status,
        "position": rep.position,
        "reason": rep.reason,
        "decided_by_id": rep.decided_by_id,
        "decided_at": rep.decided_at,
    }


_EMAIL_SUBJECTS = {
    "requested": _("Qogam: your request to represent an organisation is received"),
    "approved": _("Qogam: you now represent the organisation"),
    "rejected": _("Qogam: your request to represent an organisation was rejected"),
    "revoked": _("Qogam: your representation of the organisation was revoked"),
}


def _notify_requester(rep_id: int, event: str) -> None:
    rep = Representation.objects.select_related("user", "organisation", "decided_by").filter(pk=rep_id).first()
    if rep is None or not rep.user.email:
        return
    with translation.override(rep.user.language or settings.LANGUAGE_CODE):
        subject = str(_EMAIL_SUBJECTS[event])
        body = render_to_string("accounts/email/representation.txt", {"rep": rep, "event": event})
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [rep.user.email])
    except Exception:  # a mail outage must not undo a committed decision
        logger.exception("could not send the %s notice for representation %s", event, rep_id)


def _after_commit_notify(rep: Representation, event: str) -> None:
    transaction.on_commit(lambda: _notify_requester(rep.pk, event))


def representation_request(*, user: User, bin: str, position: str) -> Representation:
    """Ask to represent the organisation with this BIN. Pending until a decision."""
    if not (user and user.is_authenticated):
        raise PermissionDeniedError(_("Sign in to ask to represent an organisation."), code="not_authenticated")
    if not can_request_representation(user):
        raise PermissionDeniedError(
            _("Accounts of state staff cannot represent organisations. Use a personal NGO account.")
        )
    bin = (bin or "").strip()
    position = (position or "").strip()
    errors: dict[str, list] = {}
    problem = bin_error_message(bin)
    organisation = None
    if problem:
        errors["bin"] = [problem]
    else:
        organisation = Organisation.objects.filter(bin=bin).first()
        if organisation is None:
            errors["bin"] = [
                _("No organisation with this BIN is in the register. Check the number, or ask the "
                  "authorised body to add the organisation first.")
            ]
        elif organisation.status == Organisation.Status.LIQUIDATED:
            errors["bin"] = [_("This organisation is liquidated: nobody can represent it any more.")]
    position_issue = rules.position_problem(position)
    if position_issue:
        errors["position"] = [_POSITION_MESSAGES[position_issue]]
    if errors:
        raise ValidationFailed(fields=errors)
    existing = (
        Representation.objects.filter(user=user, organisation=organisation, status__in=rules.OPEN_STATUSES)
        .values_list("status", flat=True)
        .first()
    )
    if existing:
        raise _duplicate(existing)
    with transaction.atomic():
        try:
            with transaction.atomic():
                rep = Representation.objects.create(user=user, organisation=organisation, position=position)
        except IntegrityError:
            raise _duplicate(Representation.Status.PENDING) from None
        audit.record(action="accounts.representation_request", obj=rep, after=_representation_state(rep), actor=user)
        _after_commit_notify(rep, "requested")
    return rep


def _duplicate(status: str) -> Conflict:
    if status == Representation.Status.APPROVED:
        return Conflict(_("You already represent this organisation."), code="already_representative")
    return Conflict(
        _("You have already asked to represent this organisation. Wait for the decision."), code="already_requested"
    )


def _locked(representation: Representation) -> Representation:
    rep = Representation.objects.select_for_update().filter(pk=representation.pk).first()
    if rep is None:
        raise NotFound()
    return rep


def representation_decide(
    *, actor: User, representation: Representation, decision: str, reason: str = ""
) -> Representation:
    """Approve or reject a pending request: the authorised body, or an approved representative of
    the same organisation."""
    reason = (reason or "").strip()
    with transaction.atomic():
        rep = _locked(representation)
        if not can_decide_representation(actor, rep):
            raise PermissionDeniedError(
                _("Only the authorised body or an approved representative of this organisation can decide.")
            )
        if rep.status != Representation.Status.PENDING:
            raise Conflict(
                _("This request was already decided (%(status)s). Reload the page.")
                % {"status": rep.get_status_display()},
                code="already_decided",
            )
        problem = rules.decision_problem(decision, reason)
        if problem:
            field = "decision" if problem == "unknown_decision" else "reason"
            raise ValidationFailed(fields={field: [_DECISION_MESSAGES[problem]]})
        new_status = rules.DECISIONS[decision]
        before = _representation_state(rep)
        rep.status = new_status
        rep.reason = reason
        rep.decided_by = actor
        rep.decided_at = timezone.now()
        rep.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit.record(
            action=f"accounts.representation_{decision}", obj=rep, before=before,
            after=_representation_state(rep), actor=actor,
        )
        _after_commit_notify(rep, new_status)
    return rep


def representation_revoke(*, actor: User, representation: Representation, reason: str = "") -> Representation:
    """End a representation, or withdraw one's own pending request."""
    reason = (reason or "").strip()
    if len(reason) > rules.REASON_MAX_LENGTH:
        raise ValidationFailed(fields={"reason": [_DECISION_MESSAGES["reason_too_long"]]})
    with transaction.atomic():
        rep = _locked(representation)
        if not can_revoke_representation(actor, rep):
            raise PermissionDeniedError(
                _("Only the person, the authorised body or an approved representative of this "
                  "organisation can revoke a representation.")
            )
        by_requester = rep.user_id == actor.pk
        problem = rules.revoke_problem(rep.status, by_requester=by_requester)
        if problem == "not_open":
            raise Conflict(
                _("This representation is already closed (%(status)s). Reload the page.")
                % {"status": rep.get_status_display()},
                code="already_closed",
            )
        if problem == "pending_use_reject":
            raise Conflict(_("A pending request is rejected, not revoked."), code="use_reject")
        before = _representation_state(rep)
        rep.status = Representation.Status.REVOKED
        rep.reason = reason
        rep.decided_by = actor
        rep.decided_at = timezone.now()
        rep.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit.record(
            action="accounts.representation_revoke", obj=rep, before=before, after=_representation_state(rep),
            actor=actor,
        )
        if not by_requester:
            _after_commit_notify(rep, "revoked")
    return rep
