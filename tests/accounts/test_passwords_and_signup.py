"""Password reset by e-mail, password change, and self sign-up of NGO representatives."""

import re

import pytest
from django.core import mail

from qogam.accounts.models import Role, User
from qogam.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

NEW_PASSWORD = "steppe-river-lantern-42"


@pytest.fixture
def ngo(db):
    return UserFactory(username="aigerim", email="aigerim@example.kz", language="en")


def test_password_reset_email_and_link(client, ngo):
    response = client.post("/en/accounts/password/reset/", {"email": "AIGERIM@example.kz"})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aigerim@example.kz"]
    assert "choose a new password" in message.subject
    link = re.search(r"http://testserver(/en/accounts/reset/[^/\s]+/[^/\s]+/)", message.body).group(1)

    opened = client.get(link)
    assert opened.status_code == 302  # Django hides the token behind a session URL
    form_page = client.get(opened["Location"])
    assert form_page.status_code == 200 and b"new_password1" in form_page.content
    saved = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302 and saved["Location"] == "/en/accounts/reset/done/"
    assert client.get(saved["Location"]).status_code == 200

    assert client.post("/en/accounts/login/", {"username": "aigerim", "password": NEW_PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.password_change", object_id=str(ngo.pk)).exists()
    # The link works only once.
    client.logout()
    reused = client.get(link)
    assert reused.status_code == 200 and b"does not work" in reused.content


def test_password_reset_does_not_reveal_unknown_addresses(client, db):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.kz"})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_change(client, ngo):
    client.force_login(ngo)
    page = client.get("/en/accounts/password/change/")
    assert page.status_code == 200
    weak = client.post(
        "/en/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert weak.status_code == 200 and b"errorlist" in weak.content
    response = client.post(
        "/en/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/en/accounts/password/change/done/"
    ngo.refresh_from_db()
    assert ngo.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="accounts.password_change", after__via="change").exists()


def signup(client, **overrides):
    data = {
        "username": "zhanar",
        "email": "zhanar@example.kz",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post("/en/accounts/signup/", data)


def test_signup_creates_an_ngo_representative(client, db):
    assert client.get("/en/accounts/signup/").status_code == 200
    response = signup(client, role="admin", is_staff="on", is_superuser="on")
    assert response.status_code == 302 and response["Location"] == "/en/accounts/cabinet/"
    user = User.objects.get(username="zhanar")
    assert user.role == Role.NGO and not user.is_staff and not user.is_superuser
    assert user.language == "en"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/en/accounts/cabinet/").status_code == 200
    entry = AuditEntry.objects.get(action="accounts.user_signup")
    assert entry.after == {"username": "zhanar", "role": "ngo", "language": "en"}


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "entirely numeric"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password2": "something-else-entirely"}, "password2", "two passwords differ"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"username": "bad name!"}, "username", "Enter a valid username"),
    ],
)
def test_signup_validation(client, db, overrides, field, message):
    response = signup(client, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message.lower() in " ".join(errors[field]).lower()
    assert not User.objects.filter(username=overrides.get("username", "zhanar")).exists()


def test_signup_refuses_taken_username_and_email(client, ngo):
    taken_name = signup(client, username="AIGERIM")
    assert "taken" in " ".join(taken_name.context["form"].errors["username"])
    taken_email = signup(client, email="Aigerim@Example.kz")
    assert "already used" in " ".join(taken_email.context["form"].errors["email"])
    assert User.objects.count() == 1
