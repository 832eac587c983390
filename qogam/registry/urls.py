from django.urls import path

from qogam.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("organisations.csv", views.organisation_csv, name="organisation_csv"),
    path("organisations/<str:bin>/", views.organisation_detail, name="organisation_detail"),
    path("state-bodies/", views.statebody_list, name="statebody_list"),
    path("state-bodies/<str:bin>/", views.statebody_detail, name="statebody_detail"),
]
