"""Pages for experts (DOMAIN §4.2; issue 4 "Expert: declares, scores and justifies"): their assignments
with due dates; an assignment that shows only the applicant's name and the call until the expert declares
no conflict of interest (a declared conflict recuses them and another expert is assigned); then the
application's content and the scoring form, one score on the call's scale and a written justification per
criterion; recusal later; and the relations with organisations the expert declares.

An expert reaches only their own assignments that are not recused (`selectors.assignment_for`), and the
content only after the declaration (`selectors.application_for_expert`). Thin: one service or selector
per action; refusals are shown beside the fields with the input kept.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qogam.core.calendar import today as almaty_today
from qogam.funding import forms, rules, selectors, services
from qogam.funding.forms import Errors, attempt, invalid
from qogam.funding.models import ExpertRelation
from qogam.funding.permissions import can_see_content, expert_of

A = rules.AssignmentStatus


def expert_required(view):
    """Signed in (else the sign-in page), and an expert of the pool (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        expert = expert_of(request.user)
        if expert is None:
            raise PermissionDenied(_("Only experts of the pool can open this page."))
        request.expert = expert
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template, context, status=200):
    return render(request, f"funding/expert/{template}", context, status=status)


@expert_required
def assignments(request):
    today = almaty_today()
    rows = [{"assignment": a, "overdue": a.status in (A.ASSIGNED, A.DECLARED) and rules.is_overdue(today, a.due_on)}
            for a in selectors.assignments_for(request.user)]
    return _render(request, "assignments.html", {
        "open": [r for r in rows if r["assignment"].status != A.SCORED],
        "done": [r for r in rows if r["assignment"].status == A.SCORED],
        "today": today,
    })


def _assignment_page(request, pk, *, form="", errors=None, data=None, status=200):
    assignment = forms.read(selectors.assignment_for, request.user, pk)
    application = assignment.application
    call = application.call
    context = {
        "assignment": assignment, "call": call, "organisation": application.organisation,
        "form": form, "errors": errors or Errors(), "data": data or {},
        # A refusal of a form the page no longer shows (the assignment moved on) is shown at the top.
        "stray": bool(form) and form not in ({"declare"} if assignment.status == A.ASSIGNED else
                                             {"score", "recuse"} if assignment.status == A.DECLARED else set()),
        "overdue": assignment.status in (A.ASSIGNED, A.DECLARED) and rules.is_overdue(almaty_today(),
                                                                                      assignment.due_on),
    }
    if can_see_content(request.user, assignment):
        assignment, content = forms.read(selectors.application_for_expert, request.user, pk)
        criteria = list(call.criteria.all())
        own = {s.criterion_id: s for s in assignment.scores.all()}
        scores = (data or {}).get("scores") or {}
        context.update({
            "application": application, "content": content, "lot": application.lot,
            "documents": list(application.documents.select_related("required_document").order_by("uploaded_at", "pk")),
            "scoring": assignment.status == A.DECLARED,
            "rows": forms.score_rows(criteria, scores, context["errors"] if form == "score" else Errors()),
            "given": [{"criterion": c, "score": own.get(c.pk)} for c in criteria],
        })
    return _render(request, "assignment.html", context, status=status)


@expert_required
def assignment_detail(request, pk):
    return _assignment_page(request, pk)


@expert_required
@require_POST
def assignment_declare(request, pk):
    assignment = forms.read(selectors.assignment_for, request.user, pk)
    choice = request.POST.get("declaration", "")
    data = {"declaration": choice, "text": (request.POST.get("text") or "").strip()}
    if choice not in ("no_conflict", "conflict"):
        exc, status = invalid("declaration", _("Choose: no conflict of interest, or a conflict of interest.")), 400
    else:
        done, exc, status = attempt(services.assignment_declare, actor=request.user, assignment=assignment,
                                    no_conflict=choice == "no_conflict", text=data["text"])
        if exc is None:
            if done.status == A.RECUSED:
                messages.success(request, _("You are recused from this application; another expert is assigned to it."))
                return redirect("funding:expert-assignments")
            messages.success(request, _("Your declaration is recorded. The application is open to you below."))
            return redirect("funding:expert-assignment", pk=assignment.pk)
    return _assignment_page(request, pk, form="declare", data=data, status=status,
                            errors=Errors(exc, shown=("declaration", "no_conflict", "reason", "text")))


@expert_required
@require_POST
def assignment_score(request, pk):
    assignment = forms.read(selectors.assignment_for, request.user, pk)
    criteria = list(assignment.application.call.criteria.all())
    scores = forms.scores_from_post(request.POST, criteria)
    _done, exc, status = attempt(services.scores_submit, actor=request.user, assignment=assignment, scores=scores)
    if exc is not None:
        return _assignment_page(request, pk, form="score", data={"scores": scores}, status=status,
                                errors=Errors(exc, shown=[c.code for c in criteria]))
    messages.success(request, _("Your scores are submitted. Thank you."))
    return redirect("funding:expert-assignments")


@expert_required
@require_POST
def assignment_recuse(request, pk):
    assignment = forms.read(selectors.assignment_for, request.user, pk)
    data = {"reason": (request.POST.get("reason") or "").strip()}
    _done, exc, status = attempt(services.assignment_recuse, actor=request.user, assignment=assignment,
                                 reason=data["reason"])
    if exc is not None:
        return _assignment_page(request, pk, form="recuse", data=data, status=status,
                                errors=Errors(exc, shown=("reason",)))
    messages.success(request, _("You are recused from this application; another expert is assigned to it."))
    return redirect("funding:expert-assignments")


@expert_required
def assignment_document(request, pk, document):
    """An uploaded document of the application, to its declared experts only."""
    assignment, _content = forms.read(selectors.application_for_expert, request.user, pk)
    found = assignment.application.documents.filter(pk=document).first()
    if found is None:
        raise Http404(_("Not found."))
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Not found.")) from None
    return FileResponse(handle, as_attachment=True, filename=found.original_name, content_type=found.content_type)


@expert_required
def relations(request):
    expert = request.expert
    data = {"bin": "", "kind": "", "note": ""}
    errors, status = Errors(), 200
    if request.method == "POST":
        data = {key: forms.text(request.POST, key) for key in ("bin", "kind", "note")}
        relation, exc, status = attempt(services.relation_declare, actor=request.user, expert=expert, bin=data["bin"],
                                        kind=data["kind"], note=data["note"])
        if exc is None:
            messages.success(request, _("The relation with %(bin)s is declared. Applications of that organisation "
                                        "will not be assigned to you.") % {"bin": relation.bin})
            return redirect("funding:expert-relations")
        errors = Errors(exc, shown=("bin", "kind", "note"))
    return _render(request, "relations.html", {
        "relations": list(expert.relations.order_by("-declared_at", "bin")), "kinds": ExpertRelation.Kind.choices,
        "data": data, "errors": errors,
    }, status=status)


urlpatterns = [
    path("expert/", assignments, name="expert-assignments"),
    path("expert/assignments/<int:pk>/", assignment_detail, name="expert-assignment"),
    path("expert/assignments/<int:pk>/declare/", assignment_declare, name="expert-declare"),
    path("expert/assignments/<int:pk>/score/", assignment_score, name="expert-score"),
    path("expert/assignments/<int:pk>/recuse/", assignment_recuse, name="expert-recuse"),
    path("expert/assignments/<int:pk>/documents/<int:document>/", assignment_document, name="expert-document"),
    path("expert/relations/", relations, name="expert-relations"),
]
