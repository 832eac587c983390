from qogam.councils.views import cabinet, forum, public

app_name = "councils"

urlpatterns = [*public.urlpatterns, *cabinet.urlpatterns, *forum.urlpatterns]
