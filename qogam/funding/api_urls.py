from django.urls import path

from qogam.funding import api

app_name = "funding_api"
urlpatterns = [
    # Public
    path("calls/", api.CallList.as_view(), name="call-list"),
    path("calls/<str:code>/", api.CallDetail.as_view(), name="call-detail"),
    path("calls/<str:code>/results/", api.CallResults.as_view(), name="call-results"),
    path("projects/", api.FundedProjectList.as_view(), name="project-list"),
    path("projects/<str:number>/", api.FundedProjectDetail.as_view(), name="project-detail"),
    # Calls: operator and committee
    path("calls/<str:code>/compliance/", api.ComplianceQueue.as_view(), name="call-compliance"),
    path("calls/<str:code>/evaluation/", api.EvaluationStart.as_view(), name="call-evaluation"),
    path("calls/<str:code>/decision/", api.CallDecide.as_view(), name="call-decision"),
    # Applications
    path("applications/", api.ApplicationListCreate.as_view(), name="application-list"),
    path("applications/<int:pk>/", api.ApplicationDetail.as_view(), name="application-detail"),
    path("applications/<int:pk>/documents/", api.DocumentUpload.as_view(), name="application-documents"),
    path("applications/<int:pk>/documents/<int:document>/", api.DocumentDelete.as_view(), name="application-document"),
    path("applications/<int:pk>/submit/", api.ApplicationSubmit.as_view(), name="application-submit"),
    path("applications/<int:pk>/withdraw/", api.ApplicationWithdraw.as_view(), name="application-withdraw"),
    path("applications/<int:pk>/appeal/", api.AppealFile.as_view(), name="application-appeal"),
    path("applications/<int:pk>/compliance/", api.ComplianceDecide.as_view(), name="application-compliance"),
    # Experts
    path("assignments/", api.AssignmentList.as_view(), name="assignment-list"),
    path("assignments/<int:pk>/", api.AssignmentDetail.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/declaration/", api.AssignmentDeclare.as_view(), name="assignment-declaration"),
    path("assignments/<int:pk>/scores/", api.ScoresSubmit.as_view(), name="assignment-scores"),
    # Appeals
    path("appeals/<int:pk>/decision/", api.AppealDecide.as_view(), name="appeal-decision"),
    # Agreements and monitoring
    path("agreements/", api.AgreementList.as_view(), name="agreement-list"),
    path("agreements/<int:pk>/", api.AgreementDetail.as_view(), name="agreement-detail"),
    path("agreements/<int:pk>/prepare/", api.AgreementPrepare.as_view(), name="agreement-prepare"),
    path("agreements/<int:pk>/sign/", api.AgreementSign.as_view(), name="agreement-sign"),
    path("agreements/<int:pk>/tranches/<int:number>/pay/", api.TranchePay.as_view(), name="tranche-pay"),
    path("agreements/<int:pk>/terminate/", api.AgreementTerminate.as_view(), name="agreement-terminate"),
    path("agreements/<int:pk>/reports/", api.MonitoringReportSubmit.as_view(), name="monitoring-report-submit"),
    path("monitoring-reports/<int:pk>/review/", api.MonitoringReportReview.as_view(), name="monitoring-report-review"),
    # Issue 5: NGO awards, topics of the state social order, the evaluation of social effect
    path("calls/<str:code>/shortlist/", api.ShortlistDecide.as_view(), name="call-shortlist"),
    path("topics/", api.TopicListCreate.as_view(), name="topic-list"),
    path("topics/<int:pk>/", api.TopicDetail.as_view(), name="topic-detail"),
    path("topics/<int:pk>/support/", api.TopicSupport.as_view(), name="topic-support"),
    path("topics/<int:pk>/comments/", api.TopicComment.as_view(), name="topic-comments"),
    path("topics/<int:pk>/decision/", api.TopicDecide.as_view(), name="topic-decision"),
    path("agreements/<int:pk>/effect/", api.EffectStart.as_view(), name="agreement-effect"),
    path("projects/<str:number>/effect/", api.EffectResult.as_view(), name="project-effect"),
    path("effect-reviews/", api.EffectReviewList.as_view(), name="effect-review-list"),
    path("effect-reviews/<int:pk>/declaration/", api.EffectDeclare.as_view(), name="effect-review-declaration"),
    path("effect-reviews/<int:pk>/scores/", api.EffectSubmit.as_view(), name="effect-review-scores"),
]
