"""The evaluation of the social effect of state social order contracts by public experts (issue 5; DOMAIN §4:
five dimensions). The expert's list; each evaluation with the declaration first (the contract's monitoring
reports are shown only after it), recusal, and the scores with written justifications. Results are public
on the project's page (`selectors.effect_results`); experts are never named there.

Thin: one service per action; refusals are shown beside the fields with the input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from qogam.core.calendar import today as almaty_today
from qogam.funding import rules, selectors, services
from qogam.funding.forms import Errors, attempt, invalid
from qogam.funding.views.expert import expert_required

A = rules.AssignmentStatus


def _review(request, pk):
    from django.http import Http404

    review = selectors.effect_reviews_for(request.user).filter(pk=pk).first()
    if review is None:
        raise Http404(_("Not found."))
    return review


@expert_required
def reviews(request):
    today = almaty_today()
    rows = [{"review": r, "overdue": r.status in (A.ASSIGNED, A.DECLARED) and rules.is_overdue(today, r.due_on)}
            for r in selectors.effect_reviews_for(request.user)]
    return render(request, "funding/effect/reviews.html", {
        "open": [r for r in rows if r["review"].status in (A.ASSIGNED, A.DECLARED)],
        "done": [r for r in rows if r["review"].status not in (A.ASSIGNED, A.DECLARED)],
    })


def _scores_from_post(post) -> dict:
    return {code: {"value": (post.get(f"{code}-value") or "").strip(),
                   "justification": (post.get(f"{code}-justification") or "").strip()}
            for code, _label in rules.EFFECT_DIMENSIONS}


@expert_required
def review_detail(request, pk):
    review = _review(request, pk)
    errors, status, form, data = Errors(), 200, "", {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = action
        if action == "declare":
            choice = request.POST.get("declaration", "")
            data = {"declaration": choice, "text": (request.POST.get("text") or "").strip()}
            if choice not in ("no_conflict", "conflict"):
                exc, status = invalid("declaration", _("Choose: no conflict of interest, or a conflict of interest.")), 400
            else:
                done, exc, status = attempt(services.effect_declare, actor=request.user, review=review,
                                            no_conflict=choice == "no_conflict", text=data["text"])
                if exc is None:
                    messages.success(request, _("Your declaration is recorded.") if done.status == A.DECLARED
                                     else _("You are recused; another expert is assigned if one is eligible."))
                    return redirect("funding:effect-review", pk=review.pk) if done.status == A.DECLARED else \
                        redirect("funding:effect-reviews")
            errors = Errors(exc, shown=("declaration", "no_conflict", "text"))
        elif action == "recuse":
            data = {"reason": (request.POST.get("reason") or "").strip()}
            _done, exc, status = attempt(services.effect_recuse, actor=request.user, review=review,
                                         reason=data["reason"])
            if exc is None:
                messages.success(request, _("You are recused; another expert is assigned if one is eligible."))
                return redirect("funding:effect-reviews")
            errors = Errors(exc, shown=("reason",))
        elif action == "score":
            data = {"scores": _scores_from_post(request.POST)}
            _done, exc, status = attempt(services.effect_submit, actor=request.user, review=review,
                                         scores=data["scores"])
            if exc is None:
                messages.success(request, _("Your evaluation is submitted. Thank you."))
                return redirect("funding:effect-reviews")
            errors = Errors(exc, shown=[f"{c}.{p}" for c, _l in rules.EFFECT_DIMENSIONS for p in ("value",
                                                                                                  "justification")])
        else:
            status = 400
        review.refresh_from_db()
    agreement = review.agreement
    context = {"review": review, "agreement": agreement, "organisation": agreement.application.organisation,
               "errors": errors, "form": form, "data": data,
               "overdue": review.status in (A.ASSIGNED, A.DECLARED) and rules.is_overdue(almaty_today(), review.due_on)}
    if review.status in (A.DECLARED, A.SCORED):
        given = (data.get("scores") if form == "score" else None) or review.scores or {}
        context.update({
            "reports": selectors.public_reports(agreement),
            "application": agreement.application,
            "dimensions": [{"code": code, "label": label, "value": (given.get(code) or {}).get("value", ""),
                            "justification": (given.get(code) or {}).get("justification", ""),
                            "errors": errors.get(f"{code}.value") + errors.get(f"{code}.justification")}
                           for code, label in rules.EFFECT_DIMENSIONS],
        })
    return render(request, "funding/effect/review.html", context, status=status)


urlpatterns = [
    path("expert/effect/", reviews, name="effect-reviews"),
    path("expert/effect/<int:pk>/", review_detail, name="effect-review"),
]
