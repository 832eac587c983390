"""Pages of accounts: thin. Each parses input, calls one service or selector, and renders."""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token

from qogam.accounts import permissions, selectors, services
from qogam.accounts.forms import (
    DecisionForm,
    EmailPasswordResetForm,
    LanguageForm,
    OTPTokenForm,
    RepresentationRequestForm,
    RevokeForm,
    SignInForm,
    SignUpForm,
)
from qogam.accounts.otp import base32_secret, confirmed_device, needs_otp_step, otp_step_url, qr_svg
from qogam.core.errors import QogamError


def _safe_next(request, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def _set_language_cookie(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _form_errors_from(form, exc: QogamError) -> None:
    """Put a domain error's field messages on the form fields that exist, the rest on the form."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for field, errors in exc.fields.items():
        target = field if field in form.fields else None
        for error in errors if isinstance(errors, list | tuple) else [errors]:
            form.add_error(target, str(error))


# --- Sign-in, second factor, sign-out ----------------------------------------------------------


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class SignInView(auth_views.LoginView):
    """Password step. Axes counts failures and locks out (its middleware renders the page).
    The UI switches to the user's language; staff roles continue to the second factor."""

    form_class = SignInForm
    template_name = "accounts/login.html"

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        language = user.language or settings.LANGUAGE_CODE
        target = translate_url(self.get_success_url(), language)
        if needs_otp_step(user):
            with translation.override(language):
                target = otp_step_url(user, target)
        return _set_language_cookie(HttpResponseRedirect(target), language)


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are signed out."))
        return response


def _otp_throttled(device) -> str | None:
    """Why no code can be checked right now (after wrong codes the wait doubles), or None."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    seconds = 1
    if info and info.get("locked_until"):
        seconds = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(n)d second and try again.",
        "Too many wrong codes. Wait %(n)d seconds and try again.",
        seconds,
    ) % {"n": seconds}


def _wrong_code() -> str:
    return _("The code is not correct or has expired. Enter the current code from your app.")


@login_required
def otp_verify(request):
    user = request.user
    next_url = _safe_next(request)
    device = confirmed_device(user)
    if device is None:
        if permissions.second_factor_required(user):
            return redirect(otp_step_url(user, next_url))
        return redirect(next_url)
    if user.is_verified():
        return redirect(next_url)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _otp_throttled(device)
        verified = None if throttled else verify_token(user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            otp_login(request, verified)
            request.session.cycle_key()
            return redirect(next_url)
        form.add_error("token", throttled or _wrong_code())
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@login_required
def otp_setup(request):
    user = request.user
    next_url = _safe_next(request)
    if confirmed_device(user) is not None:
        if user.is_verified():
            messages.info(request, _("Two-factor sign-in is already set up for your account."))
            return redirect("accounts:cabinet")
        return redirect(otp_step_url(user, next_url))
    device = services.totp_device_for_setup(user=user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _otp_throttled(device)
        if not throttled and services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):
            device.refresh_from_db()
            otp_login(request, device)
            request.session.cycle_key()
            messages.success(
                request, _("Two-factor sign-in is set up. From now on you will enter a code after your password.")
            )
            return redirect(next_url)
        form.add_error("token", throttled or _wrong_code())
    context = {
        "form": form,
        "next": next_url,
        "qr": qr_svg(device, _("QR code for your authenticator app")),
        "secret": base32_secret(device),
        "required": permissions.second_factor_required(user),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
@require_POST
def otp_disable(request):
    try:
        services.totp_disable(actor=request.user, user=request.user, token=request.POST.get("token", ""))
    except QogamError as exc:
        messages.error(request, _first_message(exc))
    else:
        messages.success(request, _("Two-factor sign-in is switched off."))
    return redirect("accounts:cabinet")


def _first_message(exc: QogamError) -> str:
    for errors in (exc.fields or {}).values():
        if errors:
            return str(errors[0] if isinstance(errors, list | tuple) else errors)
    return str(exc.message)


# --- Sign-up and passwords ---------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:cabinet")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        try:
            user = services.user_signup(
                username=data["username"], email=data["email"], password=data["password1"], language=language
            )
        except QogamError as exc:
            if "password" in exc.fields:
                exc.fields["password1"] = exc.fields.pop("password")
            _form_errors_from(form, exc)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome to Qogam. Ask below to represent your organisation: its authorised body or a "
                  "representative will approve."),
            )
            return redirect("accounts:cabinet")
    return render(request, "accounts/signup.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user, via="change")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = EmailPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user, via="reset")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Cabinet -----------------------------------------------------------------------------------


def _funding_links(user) -> list[tuple[str, str]]:
    """Where each role works in the competition engine."""
    from qogam.funding import permissions as funding

    links = []
    if selectors.represented_organisation_ids(user).exists():
        links.append((_("My grant applications"), reverse("funding:my-applications")))
    if funding.expert_of(user) is not None:
        links.append((_("Applications assigned to me for scoring"), reverse("funding:expert-assignments")))
        if user.role == "expert":
            links.append((_("Evaluations of social effect assigned to me"), reverse("funding:effect-reviews")))
    if funding.is_customer_official(user):
        links.append((_("Topics addressed to my body"), reverse("funding:topics-body")))
        links.append((_("Our body's calls: state social order and partnerships"), reverse("funding:operator-home")))
    if user.role == "working_group" and permissions.has_full_session(user):
        links.append((_("Award working group: scores and shortlists"), reverse("funding:working-group-calls")))
    if funding.is_operator(user):
        links.append((_("Grant operator: calls, compliance, experts, agreements"), reverse("funding:operator-home")))
    if user.role == "committee" and permissions.has_full_session(user):
        links.append((_("Competition committee: decisions and appeals"), reverse("funding:committee-calls")))
    links.append((_("State grants: calls and funded projects"), reverse("funding:calls")))
    return links


def _council_links(user) -> list[tuple[str, str]]:
    from qogam.recommendations.permissions import is_body_official

    links = []
    if is_body_official(user):
        links.append((_("Recommendations addressed to my body"), reverse("recommendations:inbox")))
    links.append((_("My public councils and applications to them"), reverse("councils:mine")))
    return links


def _role_links(user) -> list[tuple[str, str]]:
    links = []
    if permissions.can_request_representation(user):
        links.append((_("Ask to represent an organisation"), reverse("accounts:cabinet") + "#request"))
    if permissions.is_authorised_body(user) or selectors.represented_organisation_ids(user).exists():
        links.append((_("Representation requests to decide"), reverse("accounts:representation_queue")))
    if user.is_staff and permissions.has_full_session(user):
        links.append((_("Administration"), reverse("admin:index")))
    links += _funding_links(user)
    links += _council_links(user)
    links.append((_("Register of organisations"), reverse("registry:organisation_list")))
    links.append((_("Change password"), reverse("accounts:password_change")))
    links.append((_("Open API documentation"), reverse("api-docs")))
    return links


def _cabinet(request, *, request_form=None, status=200):
    user = request.user
    to_decide = selectors.representations_to_decide(user)
    context = {
        "role_label": user.get_role_display(),
        "own": selectors.representations_of(user),
        "to_decide": to_decide[:10],
        "to_decide_count": to_decide.count(),
        "can_request": permissions.can_request_representation(user),
        "request_form": request_form or RepresentationRequestForm(),
        "language_form": LanguageForm(initial={"language": user.language}),
        "totp_enabled": confirmed_device(user) is not None,
        "totp_required": permissions.second_factor_required(user),
        "links": _role_links(user),
    }
    return render(request, "accounts/cabinet.html", context, status=status)


@login_required
def cabinet(request):
    return _cabinet(request)


@login_required
@require_POST
def language_set(request):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered languages."))
        return redirect("accounts:cabinet")
    language = form.cleaned_data["language"]
    services.user_set_language(user=request.user, language=language)
    with translation.override(language):
        messages.success(request, _("Your language is saved."))
        target = reverse("accounts:cabinet")
    return _set_language_cookie(HttpResponseRedirect(target), language)


@login_required
@require_POST
def representation_request(request):
    form = RepresentationRequestForm(request.POST)
    if form.is_valid():
        try:
            rep = services.representation_request(
                user=request.user, bin=form.cleaned_data["bin"], position=form.cleaned_data["position"]
            )
        except QogamError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Your request to represent “%(name)s” is sent. You will get an e-mail when it is decided.")
                % {"name": rep.organisation.name},
            )
            return redirect("accounts:cabinet")
    return _cabinet(request, request_form=form, status=400)


@login_required
def representation_queue(request):
    page = Paginator(selectors.representations_to_decide(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/representation_queue.html",
        {"page": page, "is_authorised_body": permissions.is_authorised_body(request.user), "form": DecisionForm()},
    )


@login_required
@require_POST
def representation_decide(request, pk: int):
    rep = get_object_or_404(selectors.representations_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    back = _safe_next(request, reverse("accounts:representation_queue"))
    if not form.is_valid():
        messages.error(request, _("Choose “approve” or “reject”."))
        return redirect(back)
    try:
        rep = services.representation_decide(
            actor=request.user, representation=rep,
            decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"],
        )
    except QogamError as exc:
        messages.error(request, _first_message(exc))
    else:
        name, person = rep.organisation.name, rep.user.get_username()
        if rep.status == rep.Status.APPROVED:
            messages.success(request, _("%(person)s now represents “%(name)s”.") % {"person": person, "name": name})
        else:
            messages.success(
                request, _("The request of %(person)s for “%(name)s” is rejected.") % {"person": person, "name": name}
            )
    return redirect(back)


@login_required
@require_POST
def representation_revoke(request, pk: int):
    rep = get_object_or_404(selectors.representations_visible_to(request.user), pk=pk)
    form = RevokeForm(request.POST)
    back = _safe_next(request, reverse("accounts:cabinet"))
    if not form.is_valid():
        messages.error(request, _("The reason is too long: use at most 2,000 characters."))
        return redirect(back)
    try:
        rep = services.representation_revoke(actor=request.user, representation=rep, reason=form.cleaned_data["reason"])
    except QogamError as exc:
        messages.error(request, _first_message(exc))
    else:
        messages.success(request, _("The representation of “%(name)s” is ended.") % {"name": rep.organisation.name})
    return redirect(back)
