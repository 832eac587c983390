"""The grant agreement as a PDF (WeasyPrint; issue 4 "Agreement": parties, amount, tranches and period).

The parties are organisations, never persons: the grant operator, the funder (a state body or a
non-state funder) and the grantee with its BIN and public address. Signatures are shown by role and
date only ("the authorised signatory of the operator"), without names.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from qogam.core.calendar import ALMATY
from qogam.funding.mechanisms import mechanism
from qogam.funding.models import Agreement, Programme
from qogam.registry.models import StateBody


def money(value) -> str:
    """An amount of tenge with thin groups: 3 000 000."""
    if value is None:
        return "—"
    return f"{int(Decimal(value)):,}".replace(",", "\u00a0")


def grant_operator() -> StateBody | None:
    """The single grant operator (DOMAIN §1), as registered among the state bodies."""
    return StateBody.objects.filter(kind=StateBody.Kind.OPERATOR).order_by("id").first()


def _funder(programme: Programme) -> dict:
    if programme.funder_kind == Programme.FunderKind.NON_STATE:
        return {"kind": programme.get_funder_kind_display(), "name": programme.funder_name,
                "bin": programme.funder_bin}
    body = programme.funder_body
    return {"kind": programme.get_funder_kind_display(), "name": body.name if body else "",
            "bin": body.bin if body else ""}


def _signature(at) -> dict:
    return {"signed": at is not None, "at": timezone.localtime(at, ALMATY) if at else None}


def _months(agreement: Agreement) -> int:
    start, end = agreement.start_on, agreement.end_on
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + (1 if end.day >= start.day - 1 else 0)


def agreement_context(agreement: Agreement) -> dict:
    """What the agreement shows, for the PDF and any page that previews it."""
    agreement = (Agreement.objects.select_related(
        "application__organisation__legal_form", "application__organisation__region", "application__call__programme",
        "application__call__programme__funder_body", "application__lot", "application__direction",
        "application__region").get(pk=agreement.pk))
    application = agreement.application
    call = application.call
    organisation = application.organisation
    spec = mechanism(call.mechanism)
    # A customer-run mechanism (state social order, partnership) is signed by the customer body itself.
    operator = call.programme.funder_body if spec.managed_by == "customer" else grant_operator()
    tranches = list(agreement.tranches.order_by("number"))
    paid = agreement.tranches.exclude(paid_on=None).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return {
        "agreement": agreement,
        "number": agreement.number,
        "grant_id": f"{spec.grant_id_prefix}-{agreement.number}",
        "status_label": agreement.get_status_display(),
        "application": application,
        "call": call,
        "lot": application.lot,
        "programme": call.programme,
        "mechanism_label": call.get_mechanism_display(),
        "operator": {"name": operator.name if operator else _("The single grant operator"),
                     "bin": operator.bin if operator else ""},
        "funder": _funder(call.programme),
        "grantee": {"name": organisation.name, "bin": organisation.bin,
                    "legal_form": organisation.legal_form.name if organisation.legal_form_id else "",
                    "address": organisation.address, "region": organisation.region.name},
        "amount": money(agreement.amount),
        "months": _months(agreement),
        "tranches": [{"number": t.number, "due_on": t.due_on, "amount": money(t.amount), "paid_on": t.paid_on}
                     for t in tranches],
        "tranches_total": money(sum((t.amount for t in tranches), Decimal(0))),
        "paid": money(paid),
        "schedule": list(agreement.schedule.order_by("due_on")),
        "operator_signature": _signature(agreement.signed_by_operator_at),
        "grantee_signature": _signature(agreement.signed_by_ngo_at),
        "refund": money(agreement.refund_amount) if agreement.refund_amount is not None else None,
        "generated_at": timezone.localtime(timezone.now(), ALMATY),
    }


def agreement_html(agreement: Agreement) -> str:
    return render_to_string("funding/agreement_pdf.html", agreement_context(agreement))


def agreement_pdf(agreement: Agreement) -> bytes:
    """The agreement as PDF bytes, in the active language, set in DejaVu Sans (Kazakh letters included)."""
    from weasyprint import HTML

    return HTML(string=agreement_html(agreement)).write_pdf()


def filename(agreement: Agreement) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in agreement.number)
    return f"agreement-{safe}.pdf"


def award_certificate_pdf(agreement: Agreement) -> bytes:
    """The certificate of an NGO award (issue 5), in the active language: the organisation with its BIN, the
    category, the year, the amount, the decision's date and the agreement number. No person is named."""
    from weasyprint import HTML

    agreement = Agreement.objects.select_related(
        "application__organisation", "application__lot", "application__call__programme",
        "application__call__decision").get(pk=agreement.pk)
    application = agreement.application
    decision = getattr(application.call, "decision", None)
    html = render_to_string("funding/award_certificate.html", {
        "agreement": agreement, "organisation": application.organisation, "category": application.lot,
        "call": application.call, "year": application.call.programme.year, "amount": money(agreement.amount),
        "decided_on": decision.decided_on if decision else agreement.start_on,
    })
    return HTML(string=html).write_pdf()
