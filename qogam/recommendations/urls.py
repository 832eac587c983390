from qogam.recommendations.views import app_name, urlpatterns  # noqa: F401
