"""POST /api/v1/imports/: start an import of an uploaded file (multipart `file`, `dry_run`); the answer is its job,
202, and GET /api/v1/jobs/{id}/ follows it to its end. Admins only (the import permission), as in the admin."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api.filtering import KnownQueryParameters
from jobs.api import JobSerializer

from ..import_jobs import start_dry_run, start_upload_import
from ..importers.readers import clean_file_name, import_endings, is_import_file
from ..roles import IMPORT_PERMISSION


class CanImport(BasePermission):
    message = "Only admins import data."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(IMPORT_PERMISSION))


class ImportRequest(serializers.Serializer):
    file = serializers.FileField(help_text=f"a file in the import format, ending in {import_endings()}")
    dry_run = serializers.BooleanField(default=False, help_text="validate and count, write nothing")

    def validate_file(self, upload):
        name = clean_file_name(upload.name)
        if not is_import_file(name):
            raise serializers.ValidationError(f"{name}: expected a file ending in {import_endings()}")
        return upload


class ImportStartView(KnownQueryParameters, APIView):
    """Queue an import (or its dry run) of the uploaded file."""

    permission_classes = [CanImport]
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = None

    @extend_schema(tags=["jobs"], operation_id="import_start", request=ImportRequest, responses={202: JobSerializer})
    def post(self, request: Request) -> Response:
        params = ImportRequest(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data["file"]
        start = start_dry_run if params.validated_data["dry_run"] else start_upload_import
        job = start(
            user=request.user,  # type: ignore[arg-type]  # CanImport: a signed-in user
            name=clean_file_name(upload.name),
            chunks=upload.chunks(),
            size=upload.size,
            page_url=None,
        )
        answer = Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        answer["Location"] = request.build_absolute_uri(reverse("api:job-detail", args=[job.pk]))
        return answer
