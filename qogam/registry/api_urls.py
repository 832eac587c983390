from django.urls import path

from qogam.registry import api

app_name = "registry_api"
urlpatterns = [
    path("organisations/", api.OrganisationListCreate.as_view(), name="organisation-list"),
    path("organisations/<str:bin>/", api.OrganisationDetail.as_view(), name="organisation-detail"),
    path("state-bodies/", api.StateBodyList.as_view(), name="statebody-list"),
    path("state-bodies/<str:bin>/", api.StateBodyDetail.as_view(), name="statebody-detail"),
    path("regions/", api.RegionList.as_view(), name="region-list"),
    path("legal-forms/", api.LegalFormList.as_view(), name="legalform-list"),
    path("directions/", api.DirectionList.as_view(), name="direction-list"),
]
