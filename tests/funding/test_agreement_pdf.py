"""The grant agreement as a PDF (WeasyPrint): the parties (organisations only, with BINs and the public
address), the amount in KZT, the tranches, the period, the number and the signature status; and who may
download it (the operator, the call's committee and the grantee's representatives).

The PDF's text is read with `pdftotext` (poppler-utils) when installed; the HTML it is rendered from is
checked in any case."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from qogam.accounts.models import Role
from qogam.funding import pdf, services
from qogam.registry.models import StateBody
from tests.accounts.helpers import login_verified
from tests.factories import StateBodyFactory, UserFactory
from tests.funding.stages import decided, page_clock
from tests.funding.world import representative

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


@pytest.fixture
def world(funding_world, clock):
    return funding_world


@pytest.fixture
def agreement(world, clock):
    organisation = world.organisations[0]
    organisation.address = "Абай даңғылы, 10"
    organisation.save()
    rep = world.reps[0]
    rep.first_name, rep.last_name = "Дәурен", "Жақсыбеков"
    rep.save()
    application = decided(world, clock, 1)[0]
    return application.agreement


def pdf_text(data: bytes, tmp_path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    source = tmp_path / "agreement.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(source), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


def squeezed(text: str) -> str:
    return " ".join(text.split())


def test_agreement_pdf_carries_parties_amount_tranches_and_period(world, agreement, tmp_path):
    operator_body = StateBodyFactory(kind=StateBody.Kind.OPERATOR, level="quasi_public",
                                     name_en="Center for Support of Civil Initiatives NJSC",
                                     name_ru="НАО «Центр поддержки гражданских инициатив»")
    organisation = agreement.application.organisation
    funder = world.programme.funder_body
    with translation.override("en"):
        data = pdf.agreement_pdf(agreement)
        html = pdf.agreement_html(agreement)
    assert data.startswith(b"%PDF")
    tranche = agreement.tranches.get()
    facts = [agreement.number, "KZ-QOGAM-" + agreement.number, "Grant operator", operator_body.name_en,
             operator_body.bin, funder.name_en, funder.bin, organisation.name_ru, organisation.bin,
             "Абай даңғылы, 10", "3 000 000 KZT", agreement.start_on.strftime("%d.%m.%Y"),
             agreement.end_on.strftime("%d.%m.%Y"), tranche.due_on.strftime("%d.%m.%Y"), "12 months",
             agreement.application.reference, world.call.code, "Not signed yet", "Draft"]
    flat_html = squeezed(html.replace("&amp;", "&").replace("\u00a0", " "))
    for fact in facts:
        assert fact in flat_html, fact
    text = pdf_text(data, tmp_path)
    if text is not None:
        flat = squeezed(text.replace("\u00a0", " "))
        for fact in facts:
            assert fact in flat, fact


def test_agreement_pdf_names_no_person(world, agreement, tmp_path):
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    world.operator.first_name, world.operator.last_name = "Ержан", "Операторов"
    world.operator.save()
    with translation.override("en"):
        html = pdf.agreement_html(agreement)
        data = pdf.agreement_pdf(agreement)
    assert "Signed" in html and "Not signed yet" in html  # the grantee has signed, the operator not yet
    texts = [html]
    text = pdf_text(data, tmp_path)
    if text is not None:
        texts.append(text)
    for private in ("Дәурен", "Жақсыбеков", "Ержан", "Операторов", world.reps[0].username, world.reps[0].email,
                    world.operator.username):
        for content in texts:
            assert private not in content, private


def test_agreement_pdf_in_kazakh_keeps_kazakh_letters(world, agreement, tmp_path):
    with translation.override("kk"):
        data = pdf.agreement_pdf(agreement)
    text = pdf_text(data, tmp_path)
    if text is not None:
        assert agreement.application.organisation.name_kk in squeezed(text) or \
            agreement.application.organisation.name_ru in squeezed(text)
        assert "Жоба 0" in text


def test_download_allowed_to_operator_committee_and_representatives(client, world, agreement):
    url = reverse("funding:agreement-pdf", args=[agreement.pk])
    for user in (world.operator, world.committee[0], world.reps[0]):
        login_verified(client, user)
        response = client.get(url)
        assert response.status_code == 200, user.role
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        assert f'filename="agreement-{agreement.number}.pdf"' in response["Content-Disposition"]


def test_download_refused_to_everyone_else(client, world, agreement):
    url = reverse("funding:agreement-pdf", args=[agreement.pk])
    other_rep = world.reps[1]  # represents another organisation
    for user in (other_rep, world.experts[0].user, UserFactory(role=Role.COMMITTEE), UserFactory(role=Role.NGO),
                 representative(world.organisations[1])):
        login_verified(client, user)
        assert client.get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    login_verified(client, world.operator)
    assert client.get(reverse("funding:agreement-pdf", args=[agreement.pk + 999])).status_code == 404
