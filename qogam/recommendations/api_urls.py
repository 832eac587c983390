from django.urls import path

from qogam.recommendations import api

app_name = "recommendations_api"
urlpatterns = [
    path("recommendations/", api.RecommendationList.as_view(), name="recommendation-list"),
    path("recommendations/scoreboard/", api.Scoreboard.as_view(), name="scoreboard"),
    path("recommendations/<str:number>/", api.RecommendationDetail.as_view(), name="recommendation-detail"),
    path("recommendations/<str:number>/answer/", api.RecommendationAnswer.as_view(), name="recommendation-answer"),
]
