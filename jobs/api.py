"""/api/v1/jobs/{id}/: a job's state for the script that started it (and for admins); POST …/cancel/ stops it."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api.filtering import KnownQueryParameters

from .models import Job
from .services import can_see_job, cancel_job


class JobSerializer(serializers.ModelSerializer):
    started_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)
    finished = serializers.BooleanField(read_only=True)
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    result = serializers.JSONField(read_only=True)

    class Meta:
        model = Job
        fields = (
            "id",
            "kind",
            "title",
            "status",
            "finished",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "done",
            "total",
            "unit",
            "percent",
            "attempt",
            "cancel_requested_at",
            "error",
            "result",
        )
        read_only_fields = fields


def visible_job(request: Request, pk: int) -> Job:
    job = Job.objects.select_related("started_by").filter(pk=pk).first()
    if job is None or not can_see_job(request.user, job):
        raise NotFound("No such job.")  # another's job is not shown to exist
    return job


class JobDetailView(KnownQueryParameters, APIView):
    """A job's state: status (queued, running, succeeded, failed, cancelled), progress (done of total, in unit),
    result (counts, states, errors by record and field). Poll it until `finished`."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(tags=["jobs"], operation_id="job_retrieve", responses={200: JobSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(JobSerializer(visible_job(request, pk)).data)


class JobCancelView(KnownQueryParameters, APIView):
    """Ask a job to stop: a queued job is cancelled at once, a running one at its next step (an import rolls back)."""

    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(tags=["jobs"], operation_id="job_cancel", request=None, responses={202: JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        job = visible_job(request, pk)
        job = cancel_job(job=job, user=request.user)  # JobProblem: 409, by the API's one handler
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
