"""`/factchecktools/`: the root to give Google's Fact Check Tools client (`client_options={"api_endpoint":
"https://desk/factchecktools/"}`), which calls `{root}v1alpha1/claims:search`; the same view as
`/api/v1/claims:search`. Every other path here is the API's JSON 404."""

from django.urls import path, re_path

from factcheck.api.views import not_found

from .factcheck_tools import ClaimSearchView

urlpatterns = [
    path("v1alpha1/claims:search", ClaimSearchView.as_view(), name="factchecktools-claims-search"),
    re_path(r"^[\s\S]*$", not_found),
]
