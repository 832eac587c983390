"""TOTP two-factor sign-in for staff roles, the OTP middleware, the permission layer and the admin."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from qogam.accounts import permissions, services
from qogam.accounts.models import Role
from qogam.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD
from tests.accounts.helpers import current_code, login_verified, verified
from tests.factories import UserFactory

LOGIN = "/en/accounts/login/"
CABINET = "/en/accounts/cabinet/"
SETUP = "/en/accounts/otp/setup/"
VERIFY = "/en/accounts/otp/verify/"


def sign_in(client, user, **data):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, **data})


@pytest.fixture
def analyst(db):
    return UserFactory(username="dana", role=Role.ANALYST, language="en")


@pytest.fixture
def enrolled_analyst(analyst):
    services.totp_device_create(user=analyst)
    return analyst


# --- the sign-in flow --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.OPERATOR, Role.COUNCIL_SECRETARY, Role.ANALYST, Role.ADMIN])
def test_staff_without_device_is_sent_to_enrolment(client, db, role):
    user = UserFactory(role=role, language="en")
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    for path in (CABINET, "/en/", "/en/register/", "/en/admin/"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked["Location"].startswith(SETUP), path


def test_superuser_of_any_role_needs_otp(client, db):
    user = UserFactory(role=Role.NGO, is_superuser=True, is_staff=True, language="en")
    assert sign_in(client, user)["Location"].startswith(SETUP)


def test_enrolment_shows_an_inline_svg_qr_and_the_secret(client, analyst):
    sign_in(client, analyst)
    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r"<svg [^>]*role=\"img\"", html)
    device = TOTPDevice.objects.get(user=analyst, confirmed=False)
    from qogam.accounts.otp import base32_secret

    assert base32_secret(device) in html
    assert "otpauth://" not in html  # the URL is only inside the QR picture
    assert not re.search(r"(src|href)=\"https?://", html), "the page must not load anything from elsewhere"
    # Reloading keeps the same secret, so a half-done enrolment in the app still works.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=analyst).count() == 1


def test_enrolment_confirms_with_a_first_code_and_lets_the_user_in(client, analyst, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    sign_in(client, analyst, next="/en/register/")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=analyst)
    wrong = client.post(SETUP, {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "not correct" in wrong.content.decode()
    throttled = client.post(SETUP, {"token": current_code(device)})
    assert "Too many wrong codes. Wait 30 seconds" in throttled.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(SETUP, {"token": current_code(device), "next": "/en/register/"})
    assert response.status_code == 302 and response["Location"] == "/en/register/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(CABINET).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.totp_device_confirm").count() == 1


def test_staff_with_device_must_enter_a_code(client, enrolled_analyst):
    response = sign_in(client, enrolled_analyst)
    assert response["Location"].startswith(VERIFY)
    assert client.get(CABINET)["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY), "an enrolled user cannot enrol a second device"
    device = TOTPDevice.objects.get(user=enrolled_analyst)
    bad = client.post(VERIFY, {"token": "12345x"})
    assert bad.status_code == 200 and "only digits" in bad.content.decode()
    wrong_code = "000000" if current_code(device) != "000000" else "111111"
    wrong = client.post(VERIFY, {"token": wrong_code})
    assert wrong.status_code == 200 and DEVICE_ID_SESSION_KEY not in client.session
    client.get("/en/")  # the middleware keeps redirecting
    device.refresh_from_db()
    # A wrong code throttles the device for a moment; wait it out by clearing the counter.
    device.throttle_reset()
    ok = client.post(VERIFY, {"token": current_code(device), "next": CABINET})
    assert ok.status_code == 302 and ok["Location"] == CABINET
    assert client.get(CABINET).status_code == 200


def test_wrong_codes_are_throttled(client, enrolled_analyst, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    sign_in(client, enrolled_analyst)
    device = TOTPDevice.objects.get(user=enrolled_analyst)
    wrong_code = "000000" if current_code(device) != "000000" else "111111"
    client.post(VERIFY, {"token": wrong_code})
    response = client.post(VERIFY, {"token": current_code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_code_works_only_once(client, enrolled_analyst):
    device = TOTPDevice.objects.get(user=enrolled_analyst)
    code = current_code(device)
    sign_in(client, enrolled_analyst)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    client.post("/en/accounts/logout/")
    sign_in(client, enrolled_analyst)
    assert client.post(VERIFY, {"token": code}).status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_unverified_staff_can_sign_out(client, analyst):
    sign_in(client, analyst)
    assert client.post("/en/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_unverified_staff_gets_the_api_error_shape(client, analyst):
    sign_in(client, analyst)
    response = client.get("/api/accounts/representations/")
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "otp_required" and body["fields"] == {} and body["message"]


@pytest.mark.parametrize("role", [Role.NGO, Role.EXPERT])
def test_non_staff_roles_sign_in_with_a_password_only(client, db, role):
    user = UserFactory(role=role, language="en")
    response = sign_in(client, user)
    assert response["Location"] == CABINET
    assert client.get(CABINET).status_code == 200


def test_non_staff_may_switch_two_factor_on_and_off(client, db):
    user = UserFactory(role=Role.NGO, language="en")
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    client.post(SETUP, {"token": current_code(device)})
    device.refresh_from_db()
    assert device.confirmed
    client.post("/en/accounts/logout/")
    assert sign_in(client, user)["Location"].startswith(VERIFY), "once on, the code is asked"
    assert client.get(CABINET)["Location"].startswith(VERIFY)
    client.post(VERIFY, {"token": current_code(device, offset_steps=1)})
    assert client.get(CABINET).status_code == 200
    device.refresh_from_db()
    response = client.post("/en/accounts/otp/disable/", {"token": current_code(device, offset_steps=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_staff_cannot_switch_two_factor_off(enrolled_analyst):
    device = TOTPDevice.objects.get(user=enrolled_analyst)
    from qogam.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.totp_disable(actor=verified(enrolled_analyst), user=enrolled_analyst, token=current_code(device))
    assert TOTPDevice.objects.filter(user=enrolled_analyst).exists()


def test_admin_can_reset_someones_device(db, enrolled_analyst):
    admin = verified(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    assert services.totp_disable(actor=admin, user=enrolled_analyst) == 1
    assert not TOTPDevice.objects.filter(user=enrolled_analyst).exists()


# --- the permission layer ----------------------------------------------------------------------


def test_permission_helpers_deny_unverified_staff(db, organisation):
    analyst = UserFactory(role=Role.ANALYST)
    assert not permissions.is_authorised_body(analyst)
    assert not permissions.can_create_organisation(analyst)
    assert not permissions.can_update_organisation(analyst, organisation)
    assert not permissions.can_manage_state_bodies(analyst)
    analyst.is_verified = lambda: False
    assert not permissions.is_authorised_body(analyst)
    verified(analyst)
    assert permissions.is_authorised_body(analyst)
    assert permissions.can_update_organisation(analyst, organisation)


def test_permission_helpers_do_not_ask_otp_of_ngo_representatives(db, organisation):
    from tests.factories import RepresentationFactory

    rep = RepresentationFactory(organisation=organisation).user
    assert permissions.represents(rep, organisation)
    assert permissions.can_update_organisation(rep, organisation)
    assert not permissions.is_authorised_body(rep)


# --- the admin ---------------------------------------------------------------------------------


def test_admin_requires_otp_for_everyone(client, db):
    # An NGO-role user with admin access is still asked for a second factor.
    helper = UserFactory(role=Role.NGO, is_staff=True, language="en")
    client.force_login(helper)
    assert client.get("/en/admin/")["Location"].startswith(SETUP)


def test_admin_login_goes_through_our_login_and_otp(client, db):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True, language="en")
    services.totp_device_create(user=admin)
    response = client.get("/en/admin/")
    assert response.status_code == 302
    login_redirect = client.get(response["Location"])
    assert login_redirect.status_code == 302 and login_redirect["Location"].startswith(LOGIN)
    after_password = sign_in(client, admin, next="/en/admin/")
    assert after_password["Location"].startswith(VERIFY)
    device = TOTPDevice.objects.get(user=admin)
    after_code = client.post(VERIFY, {"token": current_code(device), "next": "/en/admin/"})
    assert after_code["Location"] == "/en/admin/"
    page = client.get("/en/admin/")
    assert page.status_code == 200 and "Qogam administration" in page.content.decode()


def test_verified_admin_sees_users_with_two_factor_status(client, db):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True, language="en")
    login_verified(client, admin)
    assert client.get("/en/admin/accounts/user/").status_code == 200
    assert client.get("/en/admin/accounts/representation/").status_code == 200
    assert client.get(f"/en/admin/accounts/user/{admin.pk}/change/").status_code == 200


def test_admin_role_change_is_audited(client, db):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True, language="en")
    target = UserFactory(role=Role.NGO)
    login_verified(client, admin)
    page = client.get(f"/en/admin/accounts/user/{target.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({
        "username": target.username, "role": Role.OFFICIAL, "language": "kk", "is_active": "on",
        "date_joined_0": target.date_joined.strftime("%Y-%m-%d"), "date_joined_1": "00:00:00",
    })
    data.pop("password", None)
    data.pop("last_login", None)
    response = client.post(f"/en/admin/accounts/user/{target.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    target.refresh_from_db()
    assert target.role == Role.OFFICIAL
    entry = AuditEntry.objects.get(action="accounts.user_change", object_id=str(target.pk))
    assert entry.before["role"] == "ngo" and entry.after["role"] == "official"


# --- demo device command -----------------------------------------------------------------------


def test_totp_code_prints_the_code_of_a_demo_device(db, capsys):
    user = UserFactory(username="demo-analyst", role=Role.ANALYST)
    device = services.totp_device_create(user=user, secret_hex="3132333435363738393031323334353637383930", name="demo")
    call_command("totp-code", "demo-analyst")
    printed = capsys.readouterr().out.strip()
    assert printed == current_code(device)


def test_totp_code_refuses_a_real_device(db):
    user = UserFactory(username="real-analyst", role=Role.ANALYST)
    services.totp_device_create(user=user)
    with pytest.raises(CommandError, match="not a demo device"):
        call_command("totp-code", "real-analyst")


def test_totp_code_refuses_unknown_users_and_users_without_a_device(db):
    with pytest.raises(CommandError, match="no user"):
        call_command("totp-code", "nobody")
    UserFactory(username="plain")
    with pytest.raises(CommandError, match="no two-factor device"):
        call_command("totp-code", "plain")


def test_totp_device_create_validates_the_secret(db):
    from qogam.core.errors import ValidationFailed

    user = UserFactory()
    with pytest.raises(ValidationFailed):
        services.totp_device_create(user=user, secret_hex="not-hex")
    device = services.totp_device_create(user=user, secret_hex="ab" * 20, confirmed=False, name="phone")
    assert device.key == "ab" * 20 and not device.confirmed and device.name == "phone"
    assert AuditEntry.objects.filter(action="accounts.totp_device_create").count() == 1


def test_the_default_admin_site_is_an_otp_admin_site(rf, db):
    from django.contrib import admin
    from django_otp.admin import OTPAdminSite

    assert isinstance(admin.site, OTPAdminSite)
    user = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    request = rf.get("/en/admin/")
    request.user = user
    user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_admin_password_change_is_audited(client, db):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True, language="en")
    target = UserFactory(role=Role.NGO)
    login_verified(client, admin)
    url = f"/en/admin/accounts/user/{target.pk}/password/"
    assert client.get(url).status_code == 200
    new = "steppe-river-lantern-42"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(new)
    assert AuditEntry.objects.filter(action="accounts.password_change", after__via="admin").exists()
