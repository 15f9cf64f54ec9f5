"""GET /api/v1/consistency/: the desk's figures that disagree (claims.consistency), kind by kind, bounded by `limit`
per kind. For the desk's staff (who read every claim), as the admin's page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck.api.filtering import KnownQueryParameters

from ..consistency import KIND_TITLES, KINDS, REPORT_LIMIT, TOLERANCE, consistency_report
from ..selectors import can_read_all_claims
from .representation import Links


class ReadsAllClaims(BasePermission):
    message = "Only the desk's staff (journalists, fact-checkers, admins) read the consistency report."

    def has_permission(self, request, view):
        return can_read_all_claims(request.user)


class ConsistencyParameters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS, required=False, help_text="only this kind of disagreement")
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=REPORT_LIMIT, default=REPORT_LIMIT, help_text="at most this many a kind"
    )


class ClaimRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    figure = serializers.CharField(help_text='as people read it: "≈ $245 bn"')
    period = serializers.CharField()
    status = serializers.CharField()
    url = serializers.URLField(help_text="the claim in this API")


class EvidenceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim_id = serializers.IntegerField()
    source_id = serializers.IntegerField()
    source_title = serializers.CharField()
    relation = serializers.CharField()
    source_figure = serializers.CharField()
    gap = serializers.CharField(help_text="the claim's figure against the source's: \"+22.5 %\"")
    url = serializers.URLField(help_text="the evidence in this API")


class DisagreementSerializer(serializers.Serializer):
    message = serializers.CharField()
    claims = ClaimRefSerializer(many=True)
    evidence = EvidenceRefSerializer(many=True)


class KindSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    title = serializers.CharField()
    count = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text="true when there may be more than `limit`")
    items = DisagreementSerializer(many=True)


class ConsistencySerializer(serializers.Serializer):
    limit = serializers.IntegerField()
    tolerance_percent = serializers.DecimalField(max_digits=5, decimal_places=1)
    kinds = KindSerializer(many=True)


class ConsistencyView(KnownQueryParameters):
    """The figures of the desk that disagree: values of one subject and period, shares over 100 %, changes that
    don't match the values they relate, verified claims whose evidence gives another figure."""

    permission_classes = [ReadsAllClaims]
    pagination_class = None
    query_parameters = {"get": [ConsistencyParameters]}

    @extend_schema(tags=["claims"], operation_id="consistency_report", responses={200: ConsistencySerializer})
    def get(self, request: Request) -> Response:
        params = ConsistencyParameters(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit = params.validated_data["limit"]
        kinds = [params.validated_data["kind"]] if "kind" in params.validated_data else list(KINDS)
        report = consistency_report(limit=limit, kinds=kinds)

        links = Links(request)
        claim_url = links.claim

        def evidence_url(pk: int) -> str:
            return f"{links.base}/api/v1/evidence/{pk}/"

        body = {
            "limit": limit,
            "tolerance_percent": TOLERANCE,
            "kinds": [
                {
                    "kind": kind,
                    "title": KIND_TITLES[kind],
                    "count": len(report.of(kind)),
                    "truncated": len(report.of(kind)) >= limit,
                    "items": [
                        {
                            "message": d.message,
                            "claims": [vars(c) | {"url": claim_url(c.id)} for c in d.claims],
                            "evidence": [vars(e) | {"url": evidence_url(e.id)} for e in d.evidence],
                        }
                        for d in report.of(kind)
                    ],
                }
                for kind in kinds
            ],
        }
        return Response(ConsistencySerializer(body).data)
