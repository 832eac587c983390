from django.urls import path  # noqa: F401

app_name = "councils_api"

urlpatterns: list = []
