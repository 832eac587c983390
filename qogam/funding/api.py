"""The competition engine's API (issue 4): public calls, results and funded projects; an NGO's
applications, documents, submissions, appeals, agreements and monitoring reports; an expert's
declarations and scores; the operator's compliance decisions, evaluation, agreements and monitoring;
the committee's decisions. Thin: a serializer parses, one service or selector acts, a serializer
answers. Permissions live in the services and selectors; errors have the one shape of qogam.core.api."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from qogam.core.api import ErrorSerializer, parsed
from qogam.core.errors import NotFound, ValidationFailed
from qogam.funding import selectors, services
from qogam.funding import serializers as s
from qogam.funding.models import (
    Agreement,
    Appeal,
    Application,
    ApplicationDocument,
    Assignment,
    Call,
    MonitoringReport,
    ReportSchedule,
    Tranche,
)
from qogam.registry.api import RegisterPagination
from qogam.registry.models import Organisation

TAG_PUBLIC = "Funding: calls, results and funded projects"
TAG_NGO = "Funding: applications, agreements and reports (NGO)"
TAG_EXPERT = "Funding: expert evaluation"
TAG_OPERATOR = "Funding: grant operator"
TAG_COMMITTEE = "Funding: competition committee"

_INVALID = OpenApiResponse(ErrorSerializer, description="Some values are not valid (code invalid); `fields` names them.")
_FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Not signed in (not_authenticated) or not allowed (permission_denied)."
)
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record, or not yours to open (code not_found).")
_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Not possible in the record's present state, or it changed after you read it (code conflict or a "
    "more precise one, e.g. invalid_transition, not_editable). Nothing was written.",
)
_CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="Number of the call, e.g. GR-2026-001.")
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the record.")
_WRITE = {400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT}


# --- Plumbing -------------------------------------------------------------------------------------------


def _found(queryset, message=None):
    obj = queryset.first()
    if obj is None:
        raise NotFound(message)
    return obj


def _call(code: str) -> Call:
    return _found(Call.objects.filter(code=code), _("No call has the number %(code)s.") % {"code": code[:40]})


def _application(pk: int) -> Application:
    return _found(Application.objects.select_related("call", "lot", "organisation").filter(pk=pk),
                  _("No such application."))


def _agreement(pk: int) -> Agreement:
    return _found(Agreement.objects.select_related("application__organisation", "application__call").filter(pk=pk),
                  _("No such agreement."))


def _application_body(request, application: Application, code=status.HTTP_200_OK) -> Response:
    application = Application.objects.select_related("call", "lot", "organisation", "latest").get(pk=application.pk)
    return Response(s.ApplicationSerializer(application, context={"request": request}).data, status=code)


def _agreement_body(request, agreement: Agreement) -> Response:
    return Response(s.AgreementSerializer(_agreement(agreement.pk), context={"request": request}).data)


class _Private(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends = []


class _Public(generics.GenericAPIView):
    permission_classes = [AllowAny]
    http_method_names = ["get", "head", "options"]
    filter_backends = []


# --- Public -------------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(
    tags=[TAG_PUBLIC],
    summary="Calls for applications",
    description="Announced, open and past calls of every funding mechanism, open ones first, paginated. "
    "Drafts are not shown; cancelled calls are, with the reason in their description.",
    responses={200: s.CallListSerializer(many=True), 400: _INVALID},
))
class CallList(generics.ListAPIView):
    serializer_class = s.CallListSerializer
    permission_classes = [AllowAny]
    pagination_class = RegisterPagination
    filter_backends = []

    def get_queryset(self):
        return selectors.public_calls()


@extend_schema(
    tags=[TAG_PUBLIC],
    summary="A call with its lots, criteria and required documents",
    description="The window, the lots with their budgets and published rationale, the criteria with their "
    "weights and scale, and the documents an application must carry.",
    parameters=[_CODE],
    responses={200: s.CallDetailSerializer, 404: _NOT_FOUND},
)
class CallDetail(_Public):
    serializer_class = s.CallDetailSerializer

    def get(self, request, code):
        return Response(self.get_serializer(selectors.public_call(code)).data)


@extend_schema(
    tags=[TAG_PUBLIC],
    summary="The results of a decided call",
    description="Every scored application, lot by lot, with its total score, rank, status and awarded "
    "amount; and the committee's published answers to appeals. Only after the committee's decision "
    "(404 before). No personal data and no expert identities.",
    parameters=[_CODE],
    responses={200: s.CallResultsSerializer, 404: _NOT_FOUND},
)
class CallResults(_Public):
    serializer_class = s.CallResultsSerializer

    def get(self, request, code):
        call = selectors.public_call(code)
        if call.status not in selectors.DECIDED:
            raise NotFound(_("The results of call %(code)s are published once the committee has decided.")
                           % {"code": call.code})
        body = {"call": call.code, "decided_on": call.decision.decided_on, "results": selectors.call_results(call),
                "appeals": list(selectors.public_appeals(call))}
        return Response(self.get_serializer(body).data)


@extend_schema_view(get=extend_schema(
    tags=[TAG_PUBLIC],
    summary="Funded projects",
    description="Every signed grant agreement, newest first, paginated, with public fields only: the "
    "organisation, the project, the amount and what has been paid, the funder, region and direction.",
    parameters=[
        OpenApiParameter("year", int, description="Year of the programme."),
        OpenApiParameter("region", str, description="KATO code of the project's region."),
        OpenApiParameter("direction", str, description="Code of the project's direction."),
    ],
    responses={200: s.FundedProjectSerializer(many=True), 400: _INVALID},
))
class FundedProjectList(generics.ListAPIView):
    serializer_class = s.FundedProjectSerializer
    permission_classes = [AllowAny]
    pagination_class = RegisterPagination
    filter_backends = []

    def get_queryset(self):
        params = {key: self.request.query_params.get(key) for key in ("year", "region", "direction")
                  if self.request.query_params.get(key) not in (None, "")}
        data = parsed(s.FundedProjectFilterSerializer, params)
        return selectors.funded_projects(**data)


@extend_schema(
    tags=[TAG_PUBLIC],
    summary="A funded project",
    description="The agreement's public fields, its tranches, and its accepted monitoring reports "
    "(indicators and beneficiaries).",
    parameters=[OpenApiParameter("number", str, OpenApiParameter.PATH, description="Agreement number.")],
    responses={200: s.FundedProjectDetailSerializer, 404: _NOT_FOUND},
)
class FundedProjectDetail(_Public):
    serializer_class = s.FundedProjectDetailSerializer

    def get(self, request, number):
        agreement = selectors.funded_project(number)
        context = {**self.get_serializer_context(), "reports": selectors.public_reports(agreement)}
        return Response(s.FundedProjectDetailSerializer(agreement, context=context).data)


# --- NGO: applications ---------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_NGO],
        summary="My applications",
        description="The applications of the organisations you represent, newest first, paginated.",
        responses={200: s.ApplicationListSerializer(many=True), 400: _INVALID, 403: _FORBIDDEN},
    ),
    post=extend_schema(
        tags=[TAG_NGO],
        summary="Start an application",
        description="A draft application of an organisation you represent to a lot of an open call. The "
        "content may be incomplete; the submission checks it. One organisation may file several applications.",
        request=s.ApplicationCreateSerializer,
        responses={201: s.ApplicationSerializer, 400: _INVALID, 403: _FORBIDDEN},
    ),
)
class ApplicationListCreate(generics.ListAPIView):
    serializer_class = s.ApplicationListSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = RegisterPagination
    filter_backends = []

    def get_queryset(self):
        return selectors.applications_for(self.request.user)

    def post(self, request):
        data = parsed(s.ApplicationCreateSerializer, request.data)
        call = Call.objects.filter(code=data["call"]).exclude(status="draft").first()
        if call is None:
            raise ValidationFailed(fields={"call": [_("No call has this number. See /api/funding/calls/.")]})
        lot = call.lots.filter(number=data["lot"]).first()
        if lot is None:
            raise ValidationFailed(fields={"lot": [_("The call has no lot with this number.")]})
        organisation = Organisation.objects.filter(bin=data["organisation"]).first()
        if organisation is None:
            raise ValidationFailed(fields={"organisation": [_("No organisation with this BIN is in the register.")]})
        content = {key: data[key] for key in s.CONTENT_KEYS if key in data}
        application = services.application_create(
            actor=request.user, call=call, lot=lot, organisation=organisation, language=data["language"],
            title=data["title"], data=content)
        return _application_body(request, application, status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_NGO, TAG_OPERATOR, TAG_COMMITTEE],
        summary="An application",
        description="Its draft content, documents, receipt, compliance decision, score and appeals: for the "
        "organisation's representatives, the grant operator and the call's committee. Experts read the "
        "submitted content through their assignment.",
        parameters=[_ID],
        responses={200: s.ApplicationSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND},
    ),
    patch=extend_schema(
        tags=[TAG_NGO],
        summary="Change a draft application",
        description="Send the `version` you read and the fields that change; content fields you leave out "
        "keep their values. A stale version is refused with 409 `conflict` and nothing is written.",
        parameters=[_ID],
        request=s.ApplicationPatchSerializer,
        responses={200: s.ApplicationSerializer, **_WRITE},
    ),
)
class ApplicationDetail(_Private):
    serializer_class = s.ApplicationSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get(self, request, pk):
        return Response(self.get_serializer(selectors.application_for(request.user, pk)).data)

    def patch(self, request, pk):
        application = _application(pk)
        data = parsed(s.ApplicationPatchSerializer, request.data)
        content = {**application.draft, **{key: data[key] for key in s.CONTENT_KEYS if key in data}}
        application = services.application_update(
            actor=request.user, application=application, expected_version=data["version"],
            title=data.get("title"), language=data.get("language"), data=content)
        return _application_body(request, application)


@extend_schema(
    tags=[TAG_NGO],
    summary="Upload a document",
    description="multipart/form-data with `file` (PDF, DOCX, XLSX, JPEG or PNG, checked by content, at most "
    "20 MB) and optionally `required_document`, the code of the call's document it is. Drafts only.",
    parameters=[_ID],
    request={"multipart/form-data": s.DocumentUploadSerializer},
    responses={201: s.DocumentSerializer, **_WRITE},
)
class DocumentUpload(_Private):
    serializer_class = s.DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, pk):
        application = _application(pk)
        data = parsed(s.DocumentUploadSerializer, request.data)
        required = None
        if data.get("required_document"):
            required = application.call.required_documents.filter(code=data["required_document"]).first()
            if required is None:
                raise ValidationFailed(fields={"required_document": [
                    _("The call requires no document with this code. See the call's required_documents.")]})
        document = services.document_upload(actor=request.user, application=application,
                                            required_document=required, upload=data["file"])
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG_NGO],
    summary="Remove a document",
    description="Drafts only.",
    parameters=[_ID, OpenApiParameter("document", int, OpenApiParameter.PATH, description="Id of the document.")],
    request=None,
    responses={204: None, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
)
class DocumentDelete(_Private):
    http_method_names = ["delete", "options"]

    def delete(self, request, pk, document):
        found = _found(ApplicationDocument.objects.select_related("application").filter(pk=document, application_id=pk),
                       _("No such document."))
        services.document_delete(actor=request.user, document=found)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=[TAG_NGO],
    summary="Submit an application",
    description="Checks the draft (every problem in `fields`, keyed by content path, and nothing filed), "
    "freezes it as an immutable version and returns its receipt: number, time and SHA-256 of the content. "
    "After the call's deadline the submission is refused (code window_closed).",
    parameters=[_ID],
    request=s.ApplicationSubmitSerializer,
    responses={201: s.SubmissionReceiptSerializer, **_WRITE},
)
class ApplicationSubmit(_Private):
    serializer_class = s.SubmissionReceiptSerializer

    def post(self, request, pk):
        application = _application(pk)
        data = parsed(s.ApplicationSubmitSerializer, request.data)
        version = services.application_submit(actor=request.user, application=application,
                                              expected_version=data.get("version"))
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG_NGO],
    summary="Withdraw a submitted application",
    description="Only before the call's deadline.",
    parameters=[_ID],
    request=s.WithdrawSerializer,
    responses={200: s.ApplicationSerializer, **_WRITE},
)
class ApplicationWithdraw(_Private):
    serializer_class = s.ApplicationSerializer

    def post(self, request, pk):
        application = _application(pk)
        data = parsed(s.WithdrawSerializer, request.data)
        application = services.application_withdraw(actor=request.user, application=application,
                                                    reason=data.get("reason", ""))
        return _application_body(request, application)


@extend_schema(
    tags=[TAG_NGO],
    summary="Appeal a rejection or a result",
    description="Against the compliance rejection or the committee's result, within 5 working days of the "
    "decision (configurable); once per decision. The committee's answer is published.",
    parameters=[_ID],
    request=s.AppealFileSerializer,
    responses={201: s.AppealSerializer, **_WRITE},
)
class AppealFile(_Private):
    serializer_class = s.AppealSerializer

    def post(self, request, pk):
        application = _application(pk)
        data = parsed(s.AppealFileSerializer, request.data)
        appeal = services.appeal_file(actor=request.user, application=application, grounds=data["grounds"])
        return Response(self.get_serializer(appeal).data, status=status.HTTP_201_CREATED)


# --- Operator: compliance and evaluation -------------------------------------------------------------


@extend_schema(
    tags=[TAG_OPERATOR],
    summary="Compliance checks of a call",
    description="Every submitted application's check: due date, automatic checks failed and the decision.",
    parameters=[_CODE],
    responses={200: s.ComplianceSerializer(many=True), 403: _FORBIDDEN, 404: _NOT_FOUND},
)
class ComplianceQueue(_Private):
    serializer_class = s.ComplianceSerializer

    def get(self, request, code):
        checks = selectors.compliance_queue(request.user, _call(code))
        return Response(self.get_serializer(checks, many=True).data)


@extend_schema(
    tags=[TAG_OPERATOR],
    summary="Decide an application's compliance check",
    description="Admitted, or rejected with reasons sent to the applicant. The automatic checks run again: "
    "an application that fails one, or fails an item of the checklist, cannot be admitted.",
    parameters=[_ID],
    request=s.ComplianceDecideSerializer,
    responses={200: s.ComplianceSerializer, **_WRITE},
)
class ComplianceDecide(_Private):
    serializer_class = s.ComplianceSerializer

    def post(self, request, pk):
        application = _application(pk)
        data = parsed(s.ComplianceDecideSerializer, request.data)
        check = services.compliance_decide(
            actor=request.user, application=application, checklist={k: dict(v) for k, v in data.get(
                "checklist", {}).items()}, outcome=data["outcome"], reasons=data.get("reasons", ""))
        return Response(self.get_serializer(check).data)


@extend_schema(
    tags=[TAG_OPERATOR],
    summary="Start the expert evaluation of a call",
    description="Once every compliance check is decided: puts at least 3 experts (configurable) free of "
    "conflicts of interest on each admitted application, balanced by load, and sets the evaluation "
    "deadline (15 working days). Refused with nothing written when the pool cannot staff an application.",
    parameters=[_CODE],
    request=None,
    responses={200: s.EvaluationStartedSerializer, **_WRITE},
)
class EvaluationStart(_Private):
    serializer_class = s.EvaluationStartedSerializer

    def post(self, request, code):
        call = _call(code)
        plan = services.evaluation_start(actor=request.user, call=call)
        call.refresh_from_db()
        references = {a.pk: a.reference for a in call.applications.filter(pk__in=list(plan.assignments))}
        body = {"call": call.code, "status": call.status, "evaluation_due_on": call.evaluation_due_on,
                "applications": [{"reference": references[pk], "experts": len(experts)}
                                 for pk, experts in sorted(plan.assignments.items())]}
        return Response(self.get_serializer(body).data)


# --- Experts ----------------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(
    tags=[TAG_EXPERT],
    summary="My assignments",
    description="Applications assigned to you, open ones first, with the applicant named so that you can "
    "declare any conflict of interest. The content is shown only after your declaration.",
    responses={200: s.AssignmentSerializer(many=True), 400: _INVALID, 403: _FORBIDDEN},
))
class AssignmentList(generics.ListAPIView):
    serializer_class = s.AssignmentSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = RegisterPagination
    filter_backends = []

    def get_queryset(self):
        return selectors.assignments_for(self.request.user)


@extend_schema(
    tags=[TAG_EXPERT],
    summary="An assignment with the application's content",
    description="The submitted content, the criteria and the scale, and your scores. Before your "
    "declaration of no conflict of interest the answer is 403 (code declaration_required).",
    parameters=[_ID],
    responses={200: s.AssignmentDetailSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND},
)
class AssignmentDetail(_Private):
    serializer_class = s.AssignmentDetailSerializer

    def get(self, request, pk):
        assignment, content = selectors.application_for_expert(request.user, pk)
        context = {**self.get_serializer_context(), "content": content}
        return Response(s.AssignmentDetailSerializer(assignment, context=context).data)


@extend_schema(
    tags=[TAG_EXPERT],
    summary="Declare on a conflict of interest",
    description="`no_conflict: true` declares that you have no conflict of interest; the content is then "
    "shown. A conflict the register shows is refused (code conflict_of_interest). `no_conflict: false` "
    "declares a conflict: you are recused and another expert is assigned.",
    parameters=[_ID],
    request=s.DeclarationSerializer,
    responses={200: s.AssignmentSerializer, **_WRITE},
)
class AssignmentDeclare(_Private):
    serializer_class = s.AssignmentSerializer

    def post(self, request, pk):
        assignment = selectors.assignment_for(request.user, pk)
        data = parsed(s.DeclarationSerializer, request.data)
        assignment = services.assignment_declare(actor=request.user, assignment=assignment,
                                                 no_conflict=data["no_conflict"], text=data.get("text", ""))
        return Response(self.get_serializer(Assignment.objects.get(pk=assignment.pk)).data)


@extend_schema(
    tags=[TAG_EXPERT],
    summary="Submit scores",
    description="A score on the call's scale and a written justification for every criterion, after the "
    "declaration. Scores are final once submitted.",
    parameters=[_ID],
    request=s.ScoresSubmitSerializer,
    responses={200: s.ScoredAssignmentSerializer, **_WRITE},
)
class ScoresSubmit(_Private):
    serializer_class = s.ScoredAssignmentSerializer

    def post(self, request, pk):
        assignment = selectors.assignment_for(request.user, pk)
        data = parsed(s.ScoresSubmitSerializer, request.data)
        scores = {code: {"value": str(given["value"]), "justification": given["justification"]}
                  for code, given in data["scores"].items()}
        try:
            assignment = services.scores_submit(actor=request.user, assignment=assignment, scores=scores)
        except ValidationFailed as exc:
            exc.fields = {f"scores.{key}": value for key, value in exc.fields.items()}
            raise
        return Response(self.get_serializer(Assignment.objects.get(pk=assignment.pk)).data)


# --- Committee -------------------------------------------------------------------------------------------


@extend_schema(
    tags=[TAG_COMMITTEE],
    summary="Decide a call",
    description="A member of the call's competition committee records the decision with its minutes, once "
    "every admitted application is scored: applications are ranked per lot and funded down the ranking "
    "within each lot's budget; draft agreements are made for the funded ones. The results become public.",
    parameters=[_CODE],
    request=s.CallDecideSerializer,
    responses={201: s.CallDecisionSerializer, **_WRITE},
)
class CallDecide(_Private):
    serializer_class = s.CallDecisionSerializer

    def post(self, request, code):
        call = _call(code)
        data = parsed(s.CallDecideSerializer, request.data)
        decision = services.call_decide(actor=request.user, call=call, minutes=data["minutes"],
                                        decided_on=data.get("decided_on"), selected=data.get("selected"))
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG_COMMITTEE],
    summary="Decide an appeal",
    description="The committee's answer is published. A granted appeal sends the application back to the "
    "evaluation (to new experts after a result appeal).",
    parameters=[_ID],
    request=s.AppealDecideSerializer,
    responses={200: s.AppealSerializer, **_WRITE},
)
class AppealDecide(_Private):
    serializer_class = s.AppealSerializer

    def post(self, request, pk):
        appeal = _found(Appeal.objects.select_related("application__call").filter(pk=pk), _("No such appeal."))
        data = parsed(s.AppealDecideSerializer, request.data)
        appeal = services.appeal_decide(actor=request.user, appeal=appeal, grant=data["grant"],
                                        outcome=data["outcome"])
        return Response(self.get_serializer(appeal).data)


# --- Agreements and monitoring ------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(
    tags=[TAG_OPERATOR],
    summary="Agreements under monitoring",
    description="Signed agreements, those with reports awaiting review and open risk flags first, paginated.",
    responses={200: s.AgreementListSerializer(many=True), 400: _INVALID, 403: _FORBIDDEN},
))
class AgreementList(generics.ListAPIView):
    serializer_class = s.AgreementListSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = RegisterPagination
    filter_backends = []

    def get_queryset(self):
        return selectors.monitoring_list(self.request.user)


@extend_schema(
    tags=[TAG_NGO, TAG_OPERATOR],
    summary="An agreement",
    description="Its parties' signatures, period, tranches and the monitoring reports due, with those "
    "submitted: for the organisation's representatives, the operator and the call's committee.",
    parameters=[_ID],
    responses={200: s.AgreementSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND},
)
class AgreementDetail(_Private):
    serializer_class = s.AgreementSerializer

    def get(self, request, pk):
        return Response(self.get_serializer(selectors.agreement_for(request.user, pk)).data)


@extend_schema(
    tags=[TAG_OPERATOR],
    summary="Set an agreement's period and tranches",
    description="A draft agreement, before either party signs. The tranches add up to the amount and fall "
    "within the period; the monitoring reports due follow the period.",
    parameters=[_ID],
    request=s.AgreementPrepareSerializer,
    responses={200: s.AgreementSerializer, **_WRITE},
)
class AgreementPrepare(_Private):
    serializer_class = s.AgreementSerializer

    def post(self, request, pk):
        agreement = _agreement(pk)
        data = parsed(s.AgreementPrepareSerializer, request.data)
        agreement = services.agreement_prepare(
            actor=request.user, agreement=agreement, start_on=data["start_on"], end_on=data["end_on"],
            tranches=[(t["due_on"], str(t["amount"])) for t in data["tranches"]])
        return _agreement_body(request, agreement)


@extend_schema(
    tags=[TAG_NGO, TAG_OPERATOR],
    summary="Sign an agreement",
    description="Signs your side: an organisation's representative for the organisation, the operator for "
    "the operator. Signed by both, the agreement is signed (active from its start date) and counts "
    "toward the organisation's sign of activeness.",
    parameters=[_ID],
    request=None,
    responses={200: s.AgreementSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
)
class AgreementSign(_Private):
    serializer_class = s.AgreementSerializer

    def post(self, request, pk):
        agreement = services.agreement_sign(actor=request.user, agreement=_agreement(pk))
        return _agreement_body(request, agreement)


@extend_schema(
    tags=[TAG_OPERATOR],
    summary="Record a tranche as paid",
    parameters=[_ID, OpenApiParameter("number", int, OpenApiParameter.PATH, description="Number of the tranche.")],
    request=s.TranchePaySerializer,
    responses={200: s.TrancheSerializer, **_WRITE},
)
class TranchePay(_Private):
    serializer_class = s.TrancheSerializer

    def post(self, request, pk, number):
        tranche = _found(Tranche.objects.select_related("agreement").filter(agreement_id=pk, number=number),
                         _("The agreement has no tranche with this number."))
        data = parsed(s.TranchePaySerializer, request.data)
        tranche = services.tranche_pay(actor=request.user, tranche=tranche, paid_on=data.get("paid_on"))
        return Response(self.get_serializer(tranche).data)


@extend_schema(
    tags=[TAG_OPERATOR],
    summary="Terminate an agreement",
    description="With the reason and the amount to refund, at most what was paid.",
    parameters=[_ID],
    request=s.TerminateSerializer,
    responses={200: s.AgreementSerializer, **_WRITE},
)
class AgreementTerminate(_Private):
    serializer_class = s.AgreementSerializer

    def post(self, request, pk):
        agreement = _agreement(pk)
        data = parsed(s.TerminateSerializer, request.data)
        agreement = services.agreement_terminate(
            actor=request.user, agreement=agreement, reason=data["reason"], refund=str(data["refund"]),
            terminated_on=data.get("terminated_on"))
        return _agreement_body(request, agreement)


@extend_schema(
    tags=[TAG_NGO],
    summary="Submit a monitoring report",
    description="An interim or final report due under a running agreement: indicators with their targets "
    "and what was achieved, beneficiaries, and spending against the budget lines. Immutable once "
    "submitted; a report the operator returns is corrected by a new submission. Overspending is flagged.",
    parameters=[_ID],
    request=s.MonitoringReportSubmitSerializer,
    responses={201: s.MonitoringReportSerializer, **_WRITE},
)
class MonitoringReportSubmit(_Private):
    serializer_class = s.MonitoringReportSerializer

    def post(self, request, pk):
        agreement = _agreement(pk)
        data = parsed(s.MonitoringReportSubmitSerializer, request.data)
        due = ReportSchedule.objects.filter(pk=data["due"], agreement=agreement).first()
        if due is None:
            raise ValidationFailed(fields={"due": [_("The agreement has no report due with this id.")]})
        content = {"indicators": [dict(row) for row in data["indicators"]], "beneficiaries": data["beneficiaries"],
                   "spending": dict(data.get("spending", {})), "narrative": data.get("narrative", "")}
        report = services.monitoring_report_submit(actor=request.user, due=due, content=content)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG_OPERATOR],
    summary="Review a monitoring report",
    description="Accept it, or return it with a note of what must be corrected.",
    parameters=[_ID],
    request=s.MonitoringReviewSerializer,
    responses={200: s.MonitoringReportSerializer, **_WRITE},
)
class MonitoringReportReview(_Private):
    serializer_class = s.MonitoringReportSerializer

    def post(self, request, pk):
        report = _found(MonitoringReport.objects.select_related("due__agreement").filter(pk=pk),
                        _("No such report."))
        data = parsed(s.MonitoringReviewSerializer, request.data)
        report = services.monitoring_report_review(actor=request.user, report=report, accept=data["accept"],
                                                   note=data.get("note", ""))
        return Response(self.get_serializer(report).data)


# --- Issue 5: working group, topics, effect evaluation ------------------------------------------------------

TAG_TOPICS = "Funding: state social order topics"
TAG_WORKING_GROUP = "Funding: NGO award working group"


@extend_schema(
    tags=[TAG_WORKING_GROUP],
    summary="Shortlist an award call",
    description="The working group's first stage of an NGO award: the scored applications it sends to the expert "
    "commission (by default funding.shortlist_per_award per award of each category, best scored first). The "
    "others are not awarded.",
    parameters=[_CODE],
    request=s.ShortlistDecideSerializer,
    responses={201: s.ShortlistSerializer, **_WRITE},
)
class ShortlistDecide(_Private):
    serializer_class = s.ShortlistSerializer

    def post(self, request, code):
        call = _call(code)
        data = parsed(s.ShortlistDecideSerializer, request.data)
        row = services.shortlist_decide(actor=request.user, call=call, minutes=data["minutes"],
                                        shortlisted=data.get("shortlisted"), decided_on=data.get("decided_on"))
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


def _topic(pk: int):
    return selectors.public_topic(pk)


@extend_schema_view(
    get=extend_schema(tags=[TAG_TOPICS], summary="Topics", description="Proposed problems for the state social "
                      "order, with their status, support and the lots they became. Proposers are never shown.",
                      responses={200: s.TopicSerializer(many=True), 400: _INVALID}),
    post=extend_schema(tags=[TAG_TOPICS], summary="Propose a topic", request=s.TopicProposeSerializer,
                       description="Signed in. Open for public discussion for funding.topic_discussion_days days.",
                       responses={201: s.TopicDetailSerializer, **_WRITE}),
)
class TopicListCreate(generics.GenericAPIView):
    serializer_class = s.TopicSerializer
    pagination_class = RegisterPagination
    filter_backends = []

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    def get(self, request):
        page = self.paginate_queryset(selectors.public_topics())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request):
        from qogam.registry.models import StateBody

        data = parsed(s.TopicProposeSerializer, request.data)
        body = StateBody.objects.filter(pk=data["body"]).first()
        organisation = None
        if data.get("organisation") is not None:
            organisation = Organisation.objects.filter(pk=data["organisation"]).first()
            if organisation is None:
                raise ValidationFailed(fields={"organisation": [_("Choose one of the organisations you represent.")]})
        topic = services.topic_propose(actor=request.user, body=body, title=data["title"], problem=data["problem"],
                                       direction=data["direction"], region=data.get("region") or None,
                                       organisation=organisation)
        return Response(s.TopicDetailSerializer(_topic(topic.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_TOPICS], summary="A topic", parameters=[_ID],
               responses={200: s.TopicDetailSerializer, 404: _NOT_FOUND})
class TopicDetail(_Public):
    serializer_class = s.TopicDetailSerializer

    def get(self, request, pk):
        return Response(self.get_serializer(_topic(pk)).data)


@extend_schema(tags=[TAG_TOPICS], summary="Support a topic", parameters=[_ID], request=None,
               description="Once per person, during the public discussion.",
               responses={200: s.TopicDetailSerializer, **_WRITE})
class TopicSupport(_Private):
    serializer_class = s.TopicDetailSerializer

    def post(self, request, pk):
        services.topic_support(actor=request.user, topic=_topic(pk))
        return Response(self.get_serializer(_topic(pk)).data)


@extend_schema(tags=[TAG_TOPICS], summary="Comment on a topic", parameters=[_ID],
               request=s.TopicCommentInputSerializer, responses={201: s.TopicDetailSerializer, **_WRITE})
class TopicComment(_Private):
    serializer_class = s.TopicDetailSerializer

    def post(self, request, pk):
        data = parsed(s.TopicCommentInputSerializer, request.data)
        services.topic_comment(actor=request.user, topic=_topic(pk), text=data["text"])
        return Response(self.get_serializer(_topic(pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_TOPICS], summary="Answer a topic", parameters=[_ID], request=s.TopicDecideSerializer,
               description="An official of the body the topic is addressed to, after its discussion.",
               responses={200: s.TopicDetailSerializer, **_WRITE})
class TopicDecide(_Private):
    serializer_class = s.TopicDetailSerializer

    def post(self, request, pk):
        data = parsed(s.TopicDecideSerializer, request.data)
        services.topic_decide(actor=request.user, topic=_topic(pk), accept=data["accept"], reason=data["reason"])
        return Response(self.get_serializer(_topic(pk)).data)


@extend_schema(tags=[TAG_OPERATOR], summary="Start the evaluation of social effect", parameters=[_ID], request=None,
               description="Public experts of the pool without a conflict of interest with the contractor are "
               "assigned to a running or finished state social order contract.",
               responses={201: s.EffectReviewSerializer(many=True), **_WRITE})
class EffectStart(_Private):
    serializer_class = s.EffectReviewSerializer

    def post(self, request, pk):
        agreement = selectors.agreement_for(request.user, pk)
        reviews = services.effect_evaluation_start(actor=request.user, agreement=agreement)
        return Response(self.get_serializer(reviews, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_EXPERT], summary="My evaluations of social effect",
               responses={200: s.EffectReviewSerializer(many=True), 403: _FORBIDDEN})
class EffectReviewList(_Private):
    serializer_class = s.EffectReviewSerializer

    def get(self, request):
        return Response(self.get_serializer(selectors.effect_reviews_for(request.user), many=True).data)


def _review(request, pk):
    return _found(selectors.effect_reviews_for(request.user).filter(pk=pk), _("No such evaluation."))


@extend_schema(tags=[TAG_EXPERT], summary="Declare interests on an evaluation of social effect", parameters=[_ID],
               request=s.DeclarationSerializer, responses={200: s.EffectReviewSerializer, **_WRITE})
class EffectDeclare(_Private):
    serializer_class = s.EffectReviewSerializer

    def post(self, request, pk):
        data = parsed(s.DeclarationSerializer, request.data)
        review = services.effect_declare(actor=request.user, review=_review(request, pk),
                                         no_conflict=data["no_conflict"], text=data.get("text", ""))
        return Response(self.get_serializer(review).data)


@extend_schema(tags=[TAG_EXPERT], summary="Submit an evaluation of social effect", parameters=[_ID],
               request=s.EffectScoresSerializer, responses={200: s.EffectReviewSerializer, **_WRITE})
class EffectSubmit(_Private):
    serializer_class = s.EffectReviewSerializer

    def post(self, request, pk):
        data = parsed(s.EffectScoresSerializer, request.data)
        scores = {code: {"value": str(v["value"]), "justification": v["justification"]}
                  for code, v in data["scores"].items()}
        review = services.effect_submit(actor=request.user, review=_review(request, pk), scores=scores)
        return Response(self.get_serializer(review).data)


@extend_schema(tags=[TAG_PUBLIC], summary="The public result of a contract's evaluation of social effect",
               parameters=[OpenApiParameter("number", str, OpenApiParameter.PATH, description="Agreement number.")],
               responses={200: s.EffectResultSerializer, 404: _NOT_FOUND})
class EffectResult(_Public):
    serializer_class = s.EffectResultSerializer

    def get(self, request, number):
        result = selectors.effect_results(selectors.funded_project(number))
        if result is None:
            raise NotFound(_("The evaluation of this contract's social effect is not complete."))
        return Response(self.get_serializer(result).data)
