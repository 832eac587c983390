from django.urls import path

from qogam.councils import api

app_name = "councils_api"
urlpatterns = [
    path("councils/", api.CouncilList.as_view(), name="council-list"),
    path("councils/<int:pk>/", api.CouncilDetail.as_view(), name="council-detail"),
    path("councils/meetings/<int:pk>/", api.MeetingDetail.as_view(), name="meeting-detail"),
    path("forums/", api.ForumList.as_view(), name="forum-list"),
    path("forums/<int:year>/", api.ForumDetail.as_view(), name="forum-detail"),
]
