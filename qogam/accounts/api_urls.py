from django.urls import path

from qogam.accounts import api

urlpatterns = [
    path("representations/", api.RepresentationListCreateAPI.as_view(), name="api-representations"),
    path(
        "representations/<str:pk>/decide/", api.RepresentationDecideAPI.as_view(), name="api-representation-decide"
    ),
    path(
        "representations/<str:pk>/revoke/", api.RepresentationRevokeAPI.as_view(), name="api-representation-revoke"
    ),
]
