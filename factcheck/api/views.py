"""The API's index, its JSON answer to unknown URLs, and its documentation views."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from .filtering import KnownQueryParameters


class APIRootView(KnownQueryParameters):
    """Where to start: the collections and the documentation."""

    @extend_schema(
        tags=["index"],
        responses=inline_serializer("APIIndex", {name: serializers.URLField() for name in (
            "claims", "sources", "publishers", "evidence", "appearances", "claimreviews", "claims_search", "schema",
            "docs")}),
    )  # fmt: skip
    def get(self, request):
        base = request.build_absolute_uri("/api/v1/")
        names = ("claims", "sources", "publishers", "evidence", "appearances", "claimreviews")
        links = {name: f"{base}{name}/" for name in names}
        return Response(links | {"claims_search": f"{base}claims:search", "schema": f"{base}schema/",
                                 "docs": f"{base}docs/"})  # fmt: skip


@csrf_exempt  # any method may land here; the answer is a 404, never Django's HTML CSRF page
def not_found(request, *args, **kwargs):
    return JsonResponse(
        {"status": 404, "code": "not_found", "detail": f"No API resource at {request.path}; see /api/v1/docs/.",
         "fields": {}},
        status=404,
    )  # fmt: skip


def server_error(request, *args, **kwargs):
    return JsonResponse(
        {"status": 500, "code": "server_error", "detail": "Something went wrong on our side; it has been logged.",
         "fields": {}},
        status=500,
    )  # fmt: skip


def server_error_or_page(request, *args, **kwargs):
    """Django's handler500: the API's JSON error under /api/, Django's page elsewhere."""
    if request.path.startswith(("/api/", "/factchecktools/")):
        return server_error(request)
    from django.views.defaults import server_error as page

    return page(request)
