"""/api/v1/: the claims API (claims.api.urls: claims and the sources and publishers as readers see them), the schema
and its interactive documentation."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import authentication  # noqa: F401 - connects the token cache's invalidation in every process
from .views import APIRootView, not_found

urlpatterns = [
    path("", APIRootView.as_view(), name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include("claims.api.urls")),
    re_path(r"^[\s\S]*$", not_found),  # every other path under /api/v1/, newlines included: a JSON 404
]
