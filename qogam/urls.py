from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("api/", include("qogam.registry.api_urls")),
    path("api/accounts/", include("qogam.accounts.api_urls")),
    path("api/reports/", include("qogam.reporting.api_urls")),
    path("api/funding/", include("qogam.funding.api_urls")),
    path("api/", include("qogam.councils.api_urls")),
    path("api/", include("qogam.recommendations.api_urls")),
    path("api/", include("qogam.analytics.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("qogam.accounts.urls")),
    path("register/", include("qogam.registry.urls")),
    path("reports/", include("qogam.reporting.urls")),
    path("funding/", include("qogam.funding.urls")),
    path("councils/", include("qogam.councils.urls")),
    path("recommendations/", include("qogam.recommendations.urls")),
    path("analytics/", include("qogam.analytics.urls")),
    path("open-data/", include("qogam.opendata.urls")),
    path("", include("qogam.web.urls")),
)

handler404 = "qogam.core.api.handler404"
handler500 = "qogam.core.api.handler500"
