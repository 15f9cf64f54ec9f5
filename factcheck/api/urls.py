"""/api/v1/: the claims API (claims.api.urls: claims and the sources and publishers as readers see them), the schema
and its interactive documentation."""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import authentication  # noqa: F401 - connects the token cache's invalidation in every process
from .views import APIRootView, not_found

# Swagger UI and Redoc build style elements at run time (and Redoc its search in a worker): the documentation pages
# allow those on top of the site's policy (settings.CONTENT_SECURITY_POLICY). Their scripts are the site's own files:
# the split Swagger view serves its start-up script from a URL instead of inline.
docs_policy = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("", APIRootView.as_view(), name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_policy(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path(
        "redoc/",
        docs_policy(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")),
        name="redoc",
    ),
    path("", include("claims.api.urls")),
    re_path(r"^[\s\S]*$", not_found),  # every other path under /api/v1/, newlines included: a JSON 404
]
