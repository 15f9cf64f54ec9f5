"""The intake for scripts: an article in (text, file or URL), its ranked candidate figures out, the decisions on them.

    POST /api/v1/intake/[?dry_run=true]         {"text": …} | {"url": …} | multipart `file`; optional title, publisher
         → 201 (a new source) / 200 (the desk held it): the source, the metadata proposed, the ranked candidates
    POST /api/v1/intake/{source_id}/accept/     {"candidates": ["start-end", …], "overrides": {"start-end": {…}}}
    POST /api/v1/intake/{source_id}/attach/     {"candidate": "start-end", "claim": id, "expected_version": n}
    POST /api/v1/intake/{source_id}/dismiss/    {"candidate": "start-end", "reason": "…"}

Thin: claims.intake.articles.bring_in reads the article and writes its source; claims.services.intake lists the
pending candidates and owns every decision (its refusals are DeskErrors, mapped by the API's one handler). For those
who may create claims (claims.roles.may_create_claims): 401 anonymous, 403 readers.
"""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api.exceptions import BodyTooLarge
from factcheck.api.filtering import KnownQueryParameters
from factcheck.api.parsers import LimitedJSONParser
from factcheck.api.serializers import KnownFieldsMixin
from factcheck.numbers import decimal_text
from sources.models import Source

from ..intake.articles import ArticleFile, Intake, bring_in, intake_candidates, max_bytes
from ..quantities import format_quantity
from ..roles import may_create_claims
from ..services.intake import (
    ReviewCandidate,
    accept_candidates,
    attach_candidate,
    dismiss_candidate,
    parse_span_key,
)
from ..services.trail import API
from .representation import Links

DRY_RUN_PARAM = OpenApiParameter(
    "dry_run", bool, description="Read (and fetch) the article and list its candidates, but write no source."
)
TRUE, FALSE = frozenset({"true", "1", "yes", "on"}), frozenset({"false", "0", "no", "off"})


class MayCreateClaims(BasePermission):
    message = "Only those who may create claims (fact-checkers and desk admins) bring articles in."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and may_create_claims(request.user))


class LimitedMultiPartParser(MultiPartParser):
    """An upload refused before it is read when its body is over the intake's size limit (as LimitedJSONParser
    refuses a JSON body over API_MAX_BODY_BYTES): 413 body_too_large."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        declared = str(request.META.get("CONTENT_LENGTH") or "") if request is not None else ""
        limit = max_bytes() + 64 * 1024  # the file and the form's few other fields
        if declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(limit)
        return super().parse(stream, media_type, parser_context)


class IntakeRequest(KnownFieldsMixin, serializers.Serializer):
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="the article's text (kept as given, newlines made \\n)"
    )
    url = serializers.CharField(required=False, max_length=2000, help_text="the article's http(s) address")
    file = serializers.FileField(required=False, help_text="multipart only: a .txt (UTF-8), .html or .pdf file")
    title = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="wins over the page's")
    publisher = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="wins over the page's"
    )

    def validate(self, attrs):
        given = [name for name in ("text", "url", "file") if attrs.get(name) not in (None, "")]
        if len(given) != 1:
            message = "give exactly one of text, url and file"
            raise serializers.ValidationError({name: [message] for name in (given or ["text"])})
        return attrs


class AcceptRequest(KnownFieldsMixin, serializers.Serializer):
    candidates = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=500, help_text='keys "start-end"'
    )
    overrides = serializers.DictField(
        child=serializers.DictField(), required=False, help_text="by candidate key: the claim's fields to set"
    )


class AttachRequest(KnownFieldsMixin, serializers.Serializer):
    candidate = serializers.CharField(max_length=40, help_text='the candidate\'s key "start-end"')
    claim = serializers.IntegerField(min_value=1, help_text="the existing claim the figure is another appearance of")
    expected_version = serializers.IntegerField(required=False, min_value=1, help_text="the claim's version you saw")


class DismissRequest(KnownFieldsMixin, serializers.Serializer):
    candidate = serializers.CharField(max_length=40, help_text='the candidate\'s key "start-end"')
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


MATCH_FIELDS: dict[str, serializers.Field] = {
    "claim": serializers.IntegerField(),
    "url": serializers.URLField(),
    "status": serializers.CharField(),
    "verdict": serializers.CharField(),
    "kind": serializers.ChoiceField(choices=["match", "conflict"]),
    "message": serializers.CharField(),
    "similarity": serializers.FloatField(),
}
CANDIDATE_FIELDS: dict[str, serializers.Field] = {
    "key": serializers.CharField(),
    "rank": serializers.IntegerField(),
    "start": serializers.IntegerField(),
    "end": serializers.IntegerField(),
    "text": serializers.CharField(),
    "sentence": serializers.CharField(),
    "quote": serializers.CharField(),
    "quote_start": serializers.IntegerField(),
    "quantity": inline_serializer(
        "IntakeQuantity",
        {
            "value": serializers.CharField(allow_null=True),
            "unit": serializers.CharField(),
            "qualifier": serializers.CharField(),
            "lower_bound": serializers.CharField(allow_null=True),
            "upper_bound": serializers.CharField(allow_null=True),
            "figure": serializers.CharField(),
        },
    ),
    "period": serializers.CharField(),
    "claim_type": serializers.CharField(),
    "subject": serializers.CharField(),
    "score": serializers.IntegerField(),
    "reasons": serializers.ListField(child=serializers.CharField()),
    "state": serializers.ChoiceField(choices=["new", "match", "conflict"]),
    "matches": inline_serializer("IntakeMatch", MATCH_FIELDS, many=True),
}
INTAKE_SHAPE = inline_serializer(
    "IntakeAnswer",
    {
        "created": serializers.BooleanField(),
        "dry_run": serializers.BooleanField(),
        "source": inline_serializer(
            "IntakeSource",
            {
                "id": serializers.IntegerField(allow_null=True),
                "title": serializers.CharField(),
                "url": serializers.CharField(),
                "text_length": serializers.IntegerField(),
            },
        ),
        "metadata": inline_serializer(
            "IntakeMetadata",
            {
                "title": serializers.CharField(),
                "authors": serializers.ListField(child=serializers.CharField()),
                "published_on": serializers.DateField(allow_null=True),
                "published_precision": serializers.CharField(),
                "publisher": serializers.CharField(),
                "url": serializers.CharField(),
            },
        ),
        "warnings": serializers.ListField(child=serializers.CharField()),
        "candidates": inline_serializer("IntakeCandidate", CANDIDATE_FIELDS, many=True),
    },
)


def dry_run_asked(request: Request) -> bool:
    value = request.query_params.get("dry_run", "false").strip().lower()
    if value in TRUE | FALSE:
        return value in TRUE
    raise serializers.ValidationError({"dry_run": ["must be true or false"]})


def candidate_body(reviewed: ReviewCandidate, links: Links) -> dict[str, Any]:
    c = reviewed.candidate
    return {
        "key": reviewed.key,
        "rank": reviewed.rank,
        "start": c.start,
        "end": c.end,
        "text": c.text,
        "sentence": c.sentence,
        "quote": reviewed.quote,
        "quote_start": reviewed.quote_start,
        "quantity": {
            "value": decimal_text(c.value),
            "unit": c.unit,
            "qualifier": c.qualifier,
            "lower_bound": decimal_text(c.lower),
            "upper_bound": decimal_text(c.upper),
            "figure": format_quantity(c.value, c.unit, c.qualifier, c.lower, c.upper),
        },
        "period": c.period,
        "claim_type": c.claim_type,
        "subject": c.subject,
        "score": c.score,
        "reasons": list(c.reasons),
        "state": reviewed.kind,
        "matches": [
            {
                "claim": m.claim_id,
                "url": links.claim(m.claim_id),
                "status": m.status,
                "verdict": m.verdict,
                "kind": m.kind,
                "message": m.message,
                "similarity": round(m.similarity, 3),
            }
            for m in reviewed.matches
        ],
    }


def intake_body(intake: Intake, links: Links) -> dict[str, Any]:
    source, metadata = intake.source, intake.metadata
    return {
        "created": intake.created,
        "dry_run": intake.dry_run,
        "source": {"id": source.pk, "title": source.title, "url": source.url, "text_length": len(source.text)},
        "metadata": {
            "title": metadata.title,
            "authors": list(metadata.authors),
            "published_on": metadata.published_on.isoformat() if metadata.published_on else None,
            "published_precision": metadata.published_precision,
            "publisher": metadata.publisher,
            "url": metadata.url,
        },
        "warnings": intake.warnings,
        "candidates": [candidate_body(reviewed, links) for reviewed in intake_candidates(intake)],
    }


class IntakeView(KnownQueryParameters, APIView):
    """Bring an article in and list its candidate figures, best first, with the desk's claims they match."""

    permission_classes = [MayCreateClaims]
    parser_classes = [LimitedJSONParser, LimitedMultiPartParser, FormParser]
    pagination_class = None
    query_parameters = {"post": [DRY_RUN_PARAM]}

    @extend_schema(
        tags=["intake"],
        operation_id="intake_bring_in",
        request={"application/json": IntakeRequest, "multipart/form-data": IntakeRequest},
        responses={201: INTAKE_SHAPE, 200: INTAKE_SHAPE},
    )
    def post(self, request: Request) -> Response:
        dry_run = dry_run_asked(request)
        params = IntakeRequest(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        upload = data.get("file")
        if upload is not None and upload.size > max_bytes():
            raise serializers.ValidationError(
                {"file": [f"is {upload.size:,} bytes, over the intake's limit of {max_bytes():,} bytes"]}
            )
        intake = bring_in(
            text=data.get("text"),
            url=data.get("url"),
            file=ArticleFile(upload.name, upload.read()) if upload is not None else None,
            actor=request.user,  # type: ignore[arg-type]  # MayCreateClaims: a signed-in user
            title=data.get("title", ""),
            publisher=data.get("publisher", ""),
            via=API,
            dry_run=dry_run,
        )
        answer = Response(
            intake_body(intake, Links(request)),
            status=status.HTTP_201_CREATED if intake.created else status.HTTP_200_OK,
        )
        if intake.source.pk is not None and intake.created:
            answer["Location"] = request.build_absolute_uri(f"/api/v1/sources/{intake.source.pk}/")
        return answer


class _SourceAction(KnownQueryParameters, APIView):
    permission_classes = [MayCreateClaims]
    pagination_class = None

    def source(self, pk: int) -> Source:
        return get_object_or_404(Source, pk=pk)


class IntakeAcceptView(_SourceAction):
    """Accept candidates as new claims (each with its appearance at the candidate's offsets), all or nothing."""

    @extend_schema(
        tags=["intake"],
        operation_id="intake_accept",
        request=AcceptRequest,
        responses={
            201: inline_serializer(
                "IntakeAccepted",
                {
                    "claims": inline_serializer(
                        "IntakeAcceptedClaim",
                        {
                            "id": serializers.IntegerField(),
                            "url": serializers.URLField(),
                            "key": serializers.CharField(),
                        },
                        many=True,
                    )
                },
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        params = AcceptRequest(data=request.data)
        params.is_valid(raise_exception=True)
        keys = list(dict.fromkeys(params.validated_data["candidates"]))
        spans = [parse_span_key(key, field="candidates") for key in keys]
        overrides = params.validated_data.get("overrides") or {}
        unknown = sorted(set(overrides) - set(keys))
        if unknown:
            raise serializers.ValidationError({"overrides": [f"{', '.join(unknown)}: not among the candidates"]})
        claims = accept_candidates(
            source=self.source(pk),
            spans=spans,
            actor=request.user,  # type: ignore[arg-type]
            overrides=overrides,
            via=API,
        )
        links = Links(request)
        accepted = zip(claims, keys, strict=True)
        body = {"claims": [{"id": claim.pk, "url": links.claim(claim.pk), "key": key} for claim, key in accepted]}
        return Response(body, status=status.HTTP_201_CREATED)


class IntakeAttachView(_SourceAction):
    """Attach a candidate to an existing claim as another appearance of it (instead of a duplicate claim)."""

    @extend_schema(
        tags=["intake"],
        operation_id="intake_attach",
        request=AttachRequest,
        responses={
            201: inline_serializer(
                "IntakeAttached",
                {
                    "appearance": serializers.IntegerField(),
                    "claim": serializers.IntegerField(),
                    "url": serializers.URLField(),
                    "quote": serializers.CharField(),
                    "start": serializers.IntegerField(),
                    "end": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        params = AttachRequest(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        start, end = parse_span_key(data["candidate"], field="candidate")
        appearance = attach_candidate(
            source=self.source(pk),
            start=start,
            end=end,
            claim=data["claim"],
            actor=request.user,  # type: ignore[arg-type]
            expected_version=data.get("expected_version"),
            via=API,
        )
        body = {
            "appearance": appearance.pk,
            "claim": appearance.claim_id,
            "url": Links(request).claim(appearance.claim_id),
            "quote": appearance.quote,
            "start": appearance.start_offset,
            "end": appearance.end_offset,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class IntakeDismissView(_SourceAction):
    """Dismiss a candidate: remembered, so the source's review no longer proposes it."""

    @extend_schema(
        tags=["intake"],
        operation_id="intake_dismiss",
        request=DismissRequest,
        responses={
            200: inline_serializer(
                "IntakeDismissed",
                {
                    "candidate": serializers.CharField(),
                    "text": serializers.CharField(),
                    "reason": serializers.CharField(),
                    "dismissed_at": serializers.DateTimeField(),
                },
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        params = DismissRequest(data=request.data)
        params.is_valid(raise_exception=True)
        start, end = parse_span_key(params.validated_data["candidate"], field="candidate")
        dismissal = dismiss_candidate(
            source=self.source(pk),
            start=start,
            end=end,
            actor=request.user,  # type: ignore[arg-type]
            reason=params.validated_data.get("reason", ""),
        )
        body = {
            "candidate": params.validated_data["candidate"],
            "text": dismissal.text,
            "reason": dismissal.reason,
            "dismissed_at": dismissal.dismissed_at,
        }
        return Response(body, status=status.HTTP_200_OK)
