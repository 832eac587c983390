"""Cabinet, language preference, and the representation pages (request, queue, decide, revoke)."""

import pytest
from django.conf import settings

from qogam.accounts.models import Representation, User
from tests.accounts.helpers import login_verified
from tests.factories import UserFactory

CABINET = "/en/accounts/cabinet/"
QUEUE = "/en/accounts/representations/queue/"


def test_cabinet_needs_sign_in(client, db):
    response = client.get(CABINET)
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")


def test_cabinet_of_a_representative(client, world):
    login_verified(client, world.people["rep_same_org"])
    html = client.get(CABINET).content.decode()
    assert "rep_a" in html and "NGO representative" in html
    assert world.org_a.bin in html and "approved" in html
    assert "Ask to represent an organisation" in html and 'name="bin"' in html
    assert "Pending approvals" in html and "requester" in html
    assert QUEUE in html
    assert "/admin/" not in html


def test_cabinet_of_an_analyst(client, world):
    login_verified(client, world.people["analyst"])
    html = client.get(CABINET).content.decode()
    assert "Ministry analyst" in html and "required for your role" in html
    assert 'name="bin"' not in html, "staff do not ask to represent organisations"
    assert "Pending approvals" in html and QUEUE in html


def test_cabinet_of_an_admin_links_to_the_admin(client, world):
    login_verified(client, world.people["admin"])
    assert "/en/admin/" in client.get(CABINET).content.decode()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_pages_render_in_every_language(client, world, language):
    login_verified(client, world.people["rep_same_org"])
    for path in ("accounts/cabinet/", "accounts/representations/queue/", "accounts/password/change/"):
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.content.decode()
    client.logout()
    for path in ("accounts/login/", "accounts/signup/", "accounts/password/reset/"):
        assert client.get(f"/{language}/{path}").status_code == 200, path


def test_language_preference_is_saved_and_applied(client, world):
    user = world.people["ngo_outsider"]
    login_verified(client, user)
    response = client.post("/en/accounts/cabinet/language/", {"language": "ru"})
    assert response.status_code == 302 and response["Location"] == "/ru/accounts/cabinet/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert User.objects.get(pk=user.pk).language == "ru"
    assert client.post("/en/accounts/cabinet/language/", {"language": "xx"}).status_code == 302
    assert User.objects.get(pk=user.pk).language == "ru"
    assert client.get("/en/accounts/cabinet/language/").status_code == 405


def test_request_from_the_cabinet(client, world):
    user = world.people["ngo_outsider"]
    login_verified(client, user)
    response = client.post("/en/accounts/representations/request/", {"bin": world.org_b.bin, "position": "member"})
    assert response.status_code == 302 and response["Location"] == CABINET
    assert Representation.objects.get(user=user, organisation=world.org_b).status == "pending"
    html = client.get(CABINET).content.decode()
    assert "is sent" in html and "Withdraw the request" in html


def test_request_errors_are_shown_on_the_form(client, world):
    from qogam.core.rules import make_bin

    login_verified(client, world.people["ngo_outsider"])
    response = client.post(
        "/en/accounts/representations/request/", {"bin": make_bin(2019, 5, 4242), "position": "member"}
    )
    assert response.status_code == 400
    assert "No organisation with this BIN is in the register" in response.content.decode()
    duplicate = client.post("/en/accounts/representations/request/", {"bin": world.org_a.bin, "position": "x"})
    assert duplicate.status_code == 302
    again = client.post("/en/accounts/representations/request/", {"bin": world.org_a.bin, "position": "x"})
    assert again.status_code == 400 and "already asked" in again.content.decode()


def test_queue_and_approve(client, world):
    login_verified(client, world.people["rep_same_org"])
    page = client.get(QUEUE)
    assert page.status_code == 200 and "requester" in page.content.decode()
    url = f"/en/accounts/representations/{world.pending.pk}/decide/"
    response = client.post(url, {"decision": "approve", "next": QUEUE})
    assert response.status_code == 302 and response["Location"] == QUEUE
    world.pending.refresh_from_db()
    assert world.pending.status == "approved"
    assert "No requests wait for your decision." in client.get(QUEUE).content.decode()


def test_reject_needs_a_reason_on_the_page(client, world):
    login_verified(client, world.people["analyst"])
    url = f"/en/accounts/representations/{world.pending.pk}/decide/"
    client.post(url, {"decision": "reject", "reason": ""})
    world.pending.refresh_from_db()
    assert world.pending.status == "pending"
    assert "Say why the request is rejected" in client.get(QUEUE).content.decode()
    client.post(url, {"decision": "reject", "reason": "No such person on the staff list."})
    world.pending.refresh_from_db()
    assert world.pending.status == "rejected" and world.pending.reason == "No such person on the staff list."


@pytest.mark.parametrize("who", ["ngo_outsider", "rep_other_org", "expert"])
def test_others_cannot_decide_from_the_page(client, world, who):
    login_verified(client, world.people[who])
    response = client.post(f"/en/accounts/representations/{world.pending.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 404
    world.pending.refresh_from_db()
    assert world.pending.status == "pending"


def test_decide_needs_post_and_csrf(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    login_verified(strict, world.people["analyst"])
    url = f"/en/accounts/representations/{world.pending.pk}/decide/"
    assert strict.get(url).status_code == 405
    assert strict.post(url, {"decision": "approve"}).status_code == 403
    world.pending.refresh_from_db()
    assert world.pending.status == "pending"


def test_withdraw_and_step_down_from_the_cabinet(client, world):
    login_verified(client, world.requester)
    client.post(f"/en/accounts/representations/{world.pending.pk}/revoke/")
    world.pending.refresh_from_db()
    assert world.pending.status == "revoked"
    rep_a = world.people["rep_same_org"]
    own = Representation.objects.get(user=rep_a, status="approved")
    login_verified(client, rep_a)
    client.post(f"/en/accounts/representations/{own.pk}/revoke/", {"reason": "Retired"})
    own.refresh_from_db()
    assert own.status == "revoked" and own.reason == "Retired"


def test_unverified_staff_is_kept_from_every_accounts_page(client, world):
    client.force_login(world.people["analyst_unverified"])
    for path in (CABINET, QUEUE, "/en/accounts/password/change/"):
        assert client.get(path)["Location"].startswith("/en/accounts/otp/setup/"), path
    response = client.post(f"/en/accounts/representations/{world.pending.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    world.pending.refresh_from_db()
    assert world.pending.status == "pending"


def test_signed_in_user_sees_who_they_are_on_the_login_page(client, db):
    client.force_login(UserFactory(username="bolat"))
    assert "You are signed in as bolat" in client.get("/en/accounts/login/").content.decode()
