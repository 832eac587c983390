from qogam.councils.views import cabinet, forum, public, secretary, selection

app_name = "councils"

urlpatterns = [*public.urlpatterns, *cabinet.urlpatterns, *secretary.urlpatterns, *selection.urlpatterns,
               *forum.urlpatterns]
