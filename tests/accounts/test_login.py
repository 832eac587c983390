"""Sign-in with rate limiting (django-axes), sign-out, and the language switch on sign-in."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

LOGIN = "/en/accounts/login/"
GENERIC = "The username or password is not correct."


@pytest.fixture
def ngo(db):
    return UserFactory(username="aigerim", role="ngo", language="en")


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_page_renders(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="username"' in response.content and b"csrfmiddlewaretoken" in response.content


def test_login_success_goes_to_cabinet(client, ngo):
    response = sign_in(client, "aigerim", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/cabinet/"
    assert client.get(response["Location"]).status_code == 200


def test_login_keeps_a_safe_next_and_drops_a_foreign_one(client, ngo):
    assert sign_in(client, "aigerim", PASSWORD, next="/en/register/")["Location"] == "/en/register/"
    client.logout()
    assert sign_in(client, "aigerim", PASSWORD, next="https://evil.example/")["Location"] == "/en/accounts/cabinet/"


def test_failure_does_not_reveal_whether_the_username_exists(client, ngo):
    wrong_password = sign_in(client, "aigerim", "not-the-password")
    no_such_user = sign_in(client, "nobody-here", "not-the-password")
    for response in (wrong_password, no_such_user):
        assert response.status_code == 200
        assert GENERIC in response.content.decode()
    inactive = UserFactory(username="sleeping", is_active=False)
    response = sign_in(client, inactive.username, PASSWORD)
    assert GENERIC in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ui_switches_to_the_users_language(client, ngo):
    ngo.language = "ru"
    ngo.save()
    response = sign_in(client, "aigerim", PASSWORD)
    assert response["Location"] == "/ru/accounts/cabinet/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_lockout_after_the_failure_limit(client, ngo):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "aigerim", "wrong-password").status_code == 200
    locked = sign_in(client, "aigerim", "wrong-password")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Sign-in blocked for a while" in text
    assert "Try again after" in text and "15 minutes" in text
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]

    # Even the right password is refused until the cool-off has passed.
    again = sign_in(client, "aigerim", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session

    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    after_cooloff = sign_in(client, "aigerim", PASSWORD)
    assert after_cooloff.status_code == 302
    assert client.session["_auth_user_id"] == str(ngo.pk)


def test_lockout_is_per_username_and_address(client, ngo):
    other = UserFactory(username="bolat")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "aigerim", "wrong-password")
    assert sign_in(client, other.username, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "aigerim", PASSWORD).status_code == 429
    from_elsewhere = client.post(LOGIN, {"username": "aigerim", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert from_elsewhere.status_code == 302


def test_lockout_page_is_translated(client, ngo):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/ru/accounts/login/", {"username": "aigerim", "password": "wrong"})
    assert response.status_code == 429
    assert '<html lang="ru">' in response.content.decode()


def test_logout_is_post_only(client, ngo):
    client.force_login(ngo)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
