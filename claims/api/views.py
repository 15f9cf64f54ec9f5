"""The claims API: list / detail / exports / facets, writes under If-Match, transitions, history, ClaimReview.

Views parse the request, call claims.selectors (reads) or the services (writes) and shape the answer with
representation.py. Who sees what is the selectors' business: an invisible claim is a 404 everywhere.
"""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import router
from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims.filters import AppearanceFilter, ClaimFilter, EvidenceFilter
from claims.models import Appearance, Claim, Evidence
from claims.roles import STATUS_PERMISSION
from claims.selectors import (
    APPEARANCE_COLUMNS,
    EVIDENCE_COLUMNS,
    FACETS,
    appearance_list,
    can_read_all_claims,
    claim_facets,
    claim_list,
    claim_page,
    claim_search_ids,
    evidence_list,
    removed_claims,
    visible_claim,
)
from claims.services import (
    appearance_save,
    child_delete,
    claim_correct,
    claim_create,
    claim_publish,
    claim_transition,
    claim_unpublish,
    claim_update,
    evidence_save,
)
from factcheck.api.conditional import IF_MATCH_PATTERN, etag, expected_version
from factcheck.api.filtering import FilteredBackend, KnownQueryParameters, SelectorFilterBackend
from factcheck.api.pagination import PagePagination
from factcheck.api.renderers import CSVRenderer, FastJSONRenderer, JSONLDRenderer, NDJSONRenderer
from factcheck.api.response_cache import cached_answer, store_answer
from factcheck.api.streaming import ndjson_failure_line, streamed_response

from .claimreview import claim_review
from .exports import EXPANSIONS, claimreview_feed, csv_columns, csv_lines, ndjson_lines
from .history import claim_history
from .representation import (
    CLAIM_FIELDS,
    NEEDS_APPEARANCES,
    Links,
    appearance_brief,
    claim_representation,
    evidence_brief,
)
from .serializers import (
    AppearanceSerializer,
    AppearanceWriteSerializer,
    ClaimReviewFeedSerializer,
    ClaimReviewSerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    CorrectSerializer,
    EvidenceSerializer,
    EvidenceWriteSerializer,
    HistoryEntrySerializer,
    PublishSerializer,
    TransitionSerializer,
    UnpublishSerializer,
)

ID = r"[0-9]{1,18}"


def _answer_scope(request: Request) -> str:
    """What a cached claims answer depends on besides its URL (factcheck.api.response_cache): who may see what."""
    return "all" if can_read_all_claims(request.user) else "published"


def _names(request, parameter: str) -> list[str] | None:
    """A comma-separated parameter's names, in order, each once; None when absent or empty."""
    raw = request.query_params.get(parameter)
    names = list(dict.fromkeys(name.strip() for name in (raw or "").split(",") if name.strip()))
    return names or None


def _fields(request) -> list[str] | None:
    names = _names(request, "fields")
    if names is None:
        return None
    unknown = [name for name in names if name not in CLAIM_FIELDS]
    if unknown:
        raise ValidationError({"fields": [f"unknown: {', '.join(unknown)}; known: {', '.join(CLAIM_FIELDS)}"]})
    return names


def _updated_after(request) -> dt.datetime | None:
    """`updated_after` as the claims' filter reads it (claim_list has refused a malformed one already)."""
    raw = request.query_params.get("updated_after")
    return ClaimFilter.base_filters["updated_after"].field.clean(raw) if raw else None


def _expand(request, export: str) -> tuple[str, ...]:
    """`expand=appearances,evidence`: the CSV export's links, a row each (JSON and NDJSON nest them already)."""
    names = _names(request, "expand")
    if names is None:
        return ()
    unknown = [name for name in names if name not in EXPANSIONS]
    if unknown:
        raise ValidationError({"expand": [f"unknown: {', '.join(unknown)}; known: {', '.join(EXPANSIONS)}"]})
    if export != "csv":
        return ()  # JSON and NDJSON nest every appearance and piece of evidence in each claim already
    return tuple(name for name in EXPANSIONS if name in names)


def _facets(request) -> list[str]:
    raw = request.query_params.get("facet")
    if not raw:
        return []
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = set(names) - set(FACETS)
    if unknown:
        raise ValidationError({"facet": [f"unknown: {', '.join(sorted(unknown))}; known: {', '.join(FACETS)}"]})
    return list(dict.fromkeys(names))


FACET_VALUE_SCHEMA = {
    "type": "object",
    "required": ["value", "label", "count"],
    "properties": {
        "value": {"description": "The value to filter on (a choice, or a publisher id)."},
        "label": {"type": "string"},
        "count": {"type": "integer"},
    },
}
FACETS_SCHEMA = {
    "type": "object",
    "description": "With `facet=`: counts per value under the same filters.",
    "properties": {name: {"type": "array", "items": FACET_VALUE_SCHEMA} for name in FACETS},
}


REMOVED_SCHEMA = {
    "type": "array",
    "description": "With `updated_after`: the claims you could see that have left your sight since then (verdict "
    "reopened or moved off a verdict: `unpublished`; `deleted`), oldest first, on every page: drop them from a copy.",
    "items": {
        "type": "object",
        "required": ["id", "removed_at", "reason"],
        "properties": {
            "id": {"type": "integer"},
            "removed_at": {"type": "string", "format": "date-time"},
            "reason": {"type": "string", "enum": ["unpublished", "deleted"]},
        },
    },
}


class ClaimPagination(PagePagination):
    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["facets"] = FACETS_SCHEMA
        result["properties"]["removed"] = REMOVED_SCHEMA
        return result


FIELDS_PARAM = OpenApiParameter(
    "fields", str, enum=list(CLAIM_FIELDS), many=True, style="form", explode=False,
    description=f"Only these top-level fields, comma-separated, in this order: {', '.join(CLAIM_FIELDS)}.",
)  # fmt: skip
LIST_FIELDS_PARAM = OpenApiParameter(
    "fields", str, enum=list(CLAIM_FIELDS), many=True, style="form", explode=False,
    description=f"Only these top-level fields, comma-separated, in this order: {', '.join(CLAIM_FIELDS)}. With "
    "format=csv, CSV column names (see docs/api.md) are accepted too; each field name selects its columns.",
)  # fmt: skip
EXPAND_PARAM = OpenApiParameter(
    "expand", str, enum=["appearances", "evidence", "appearances,evidence", "evidence,appearances"],
    description="format=csv only: one row per appearance and / or evidence link, the claim's columns repeated "
    "(a claim without links keeps one row). JSON and NDJSON nest them already: there it changes nothing.",
)  # fmt: skip
FACET_PARAM = OpenApiParameter(
    "facet", str, enum=list(FACETS), many=True, style="form", explode=False,
    description=f"Counts per value under the same filters: {', '.join(FACETS)} (comma-separated).",
)  # fmt: skip
FORMAT_PARAM = OpenApiParameter(
    "format", str, enum=["json", "csv", "ndjson"],
    description="json (a page), or csv / ndjson: every matching row, streamed (pagination ignored).",
)  # fmt: skip
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True, pattern=IF_MATCH_PATTERN,
    description='The claim\'s ETag, e.g. W/"3" (a tag of another version is a 412; none, or `*`, a 428).',
)  # fmt: skip


PUBLICATION_RESPONSES = {
    200: ClaimSerializer,
    400: OpenApiResponse(description="A field of the body is missing or wrong (named in the answer)."),
    409: OpenApiResponse(
        description="Refused by the publication rules (`transition_refused`): the verdict's reviewer may not publish "
        "or correct it, only a final verdict is published, a note is needed…; the message says which."
    ),
    412: OpenApiResponse(description="If-Match names an older version: someone changed the claim since."),
    428: OpenApiResponse(description="No If-Match."),
}


@extend_schema(tags=["claims"])
class ClaimViewSet(KnownQueryParameters, viewsets.GenericViewSet):
    """Claims: read by anyone (anonymous: published verdicts only), written by fact-checkers and admins."""

    queryset = Claim.objects.all()
    filter_backends = [SelectorFilterBackend]
    filterset_class = ClaimFilter
    pagination_class = ClaimPagination
    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer, CSVRenderer, NDJSONRenderer]
    lookup_value_regex = ID
    write_permission = None  # the model's add / change permission; the transition action needs STATUS_PERMISSION
    query_parameters = {
        "list": [LIST_FIELDS_PARAM, FACET_PARAM, FORMAT_PARAM, EXPAND_PARAM],
        "retrieve": [FIELDS_PARAM],
    }

    def get_queryset(self):
        return claim_list(user=getattr(self.request, "user", None))

    def get_serializer_class(self):
        return ClaimWriteSerializer if self.action in ("create", "update", "partial_update") else ClaimSerializer

    def _visible_claim(self) -> Claim:
        claim = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if claim is None:
            raise NotFound("No claim with this id, or not one you may see.")
        return claim

    def _answer(self, pk: int, *, status_code: int = 200) -> Response:
        found = visible_claim(user=self.request.user, pk=pk)
        if found is None:
            raise NotFound("No claim with this id, or not one you may see.")
        row, appearances, evidence = found
        body = claim_representation(
            row, appearances, evidence, links=Links(self.request),
            show_staff=can_read_all_claims(self.request.user), fields=_fields(self.request),
        )  # fmt: skip
        response = Response(body, status=status_code, headers={"ETag": etag(row["version"])})
        if status_code == 201:
            response["Location"] = body.get("links", {}).get("self") or Links(self.request).claim(pk)
        return response

    @extend_schema(
        responses={
            (200, "application/json"): ClaimSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/x-ndjson"): OpenApiTypes.STR,
            304: OpenApiResponse(description="Not modified: If-None-Match named the ETag of the current answer."),
        },
    )
    def list(self, request):
        """Claims matching the filters, a page at a time; or all of them as CSV / NDJSON (`format=`)."""
        cached = cached_answer(request, scope=_answer_scope(request), using=router.db_for_read(Claim), conditional=True)
        if cached is not None:
            return cached
        claims = claim_list(user=request.user, filters=request.query_params)
        export = request.accepted_renderer.format
        expand = _expand(request, export)
        fields = None if export == "csv" else _fields(request)
        facets = _facets(request)
        links, staff = Links(request), can_read_all_claims(request.user)
        if export == "csv":
            columns = csv_columns(_names(request, "fields"))
            return streamed_response(
                csv_lines(claims, links=links, columns=columns, expand=expand, show_staff=staff),
                content_type="text/csv; charset=utf-8",
                filename="claims.csv",
            )
        if export == "ndjson":
            return streamed_response(
                ndjson_lines(claims, links=links, show_staff=staff, fields=fields),
                content_type=NDJSONRenderer.media_type,
                filename="claims.ndjson",
                failure_line=ndjson_failure_line,
            )
        # The page's ids first, then their rows: the ids of a filtered page and its capped count come from an index
        # alone where one holds the filters (a unit's value range, a verdict and a unit); a search alone pages its ids
        # among the search documents (claim_search_ids); a sync's cursor pages (updated_at, id) off their own index.
        if "cursor" in request.query_params:
            ids = [row["id"] for row in self.paginate_queryset(claims.values("id", "updated_at"))]
        else:
            searched = claim_search_ids(user=request.user, filters=request.query_params)
            if str(request.query_params.get("q") or "").strip():  # a search's count reads every match
                self.paginator.estimate_counts_above = settings.SEARCH_COUNT_ESTIMATE
            ids = self.paginate_queryset(claims.values_list("id", flat=True) if searched is None else searched)
        wants = fields or set(CLAIM_FIELDS)
        rows, appearances, evidence = claim_page(
            ids, appearances=not NEEDS_APPEARANCES.isdisjoint(wants), evidence="evidence" in wants
        )
        data = [
            claim_representation(
                row, appearances[row["id"]], evidence[row["id"]], links=links, show_staff=staff, fields=fields
            )
            for row in rows
        ]
        extra: dict = {"facets": claim_facets(claims, facets)} if facets else {}
        since = _updated_after(request)
        if since is not None:
            extra["removed"] = removed_claims(user=request.user, since=since)
        return store_answer(request, self, self.paginator.get_paginated_response(data, extra), conditional=True)

    @extend_schema(responses=ClaimSerializer)
    def retrieve(self, request, pk=None):
        """One claim with its appearances, evidence and verdict. The ETag header carries its version."""
        cached = cached_answer(request, scope=_answer_scope(request), using=router.db_for_read(Claim))
        if cached is not None:
            return cached
        return store_answer(request, self, self._answer(int(pk)))

    @extend_schema(request=ClaimWriteSerializer, responses={201: ClaimSerializer})
    def create(self, request):
        """A new claim (unverified). Fact-checkers and admins."""
        serializer = ClaimWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = claim_create(data=serializer.validated_data, actor=request.user)
        return self._answer(claim.pk, status_code=201)

    def _edit(self, request, *, partial: bool) -> Response:
        claim = self._visible_claim()
        version = expected_version(request)
        serializer = ClaimWriteSerializer(claim, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        # The version is compared inside the write's transaction, under the row lock (claims.services).
        claim_update(claim=claim, data=serializer.validated_data, actor=request.user, expected_version=version)
        return self._answer(claim.pk)

    @extend_schema(parameters=[IF_MATCH], request=ClaimWriteSerializer, responses=ClaimSerializer)
    def update(self, request, pk=None):
        """Replace a claim's editable fields. Needs If-Match."""
        return self._edit(request, partial=False)

    @extend_schema(parameters=[IF_MATCH], request=ClaimWriteSerializer, responses=ClaimSerializer)
    def partial_update(self, request, pk=None):
        """Change some of a claim's editable fields. Needs If-Match."""
        return self._edit(request, partial=True)

    @extend_schema(parameters=[IF_MATCH], request=TransitionSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], write_permission=STATUS_PERMISSION)
    def transition(self, request, pk=None):
        """Move the claim through the workflow (the admin's rules, messages and audit record). Needs If-Match."""
        claim = self._visible_claim()
        version = expected_version(request)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim_transition(claim=claim, actor=request.user, expected_version=version, **serializer.validated_data)
        return self._answer(claim.pk)

    def _publication_move(self, request, serializer_class, service) -> Response:
        """Publish / unpublish / correct: the body checked here, every rule (the second person, the note, the
        verdict's) the service's (claims.services.publication); If-Match as every write."""
        claim = self._visible_claim()
        version = expected_version(request)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(claim=claim, actor=request.user, expected_version=version, **serializer.validated_data)
        return self._answer(claim.pk)

    @extend_schema(parameters=[IF_MATCH], request=PublishSerializer, responses=PUBLICATION_RESPONSES)
    @action(detail=True, methods=["post"], write_permission=STATUS_PERMISSION)
    def publish(self, request, pk=None):
        """Publish the claim's final verdict: from now on it is public (its page, the anonymous API, feeds, the
        ClaimReview). A second person publishes: not the verdict's reviewer (409), unless the desk allows it
        (settings.PUBLISH_OWN_VERDICTS). Fact-checkers and admins. Needs If-Match."""
        return self._publication_move(request, PublishSerializer, claim_publish)

    @extend_schema(parameters=[IF_MATCH], request=UnpublishSerializer, responses=PUBLICATION_RESPONSES)
    @action(detail=True, methods=["post"], write_permission=STATUS_PERMISSION)
    def unpublish(self, request, pk=None):
        """Take a published verdict down, with a note: its page answers 410 Gone with the note, and anonymous syncs
        list it in `removed`. Fact-checkers and admins. Needs If-Match."""
        return self._publication_move(request, UnpublishSerializer, claim_unpublish)

    @extend_schema(parameters=[IF_MATCH], request=CorrectSerializer, responses=PUBLICATION_RESPONSES)
    @action(detail=True, methods=["post"], write_permission=STATUS_PERMISSION)
    def correct(self, request, pk=None):
        """Correct a published verdict, with a note: the new verdict is public at once and the earlier one stays on
        the page as a dated correction. Not by the verdict's reviewer (409); the new verdict obeys the verdict's
        rules (409). Fact-checkers and admins. Needs If-Match."""
        return self._publication_move(request, CorrectSerializer, claim_correct)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=PagePagination, filter_backends=[],
            renderer_classes=[FastJSONRenderer, BrowsableAPIRenderer])  # fmt: skip
    def history(self, request, pk=None):
        """The audit trail: who changed what and when, field by field, with the transition notes. Anyone who may
        see the claim reads it (a 404 otherwise); without a desk role, who made each change and the assignee and
        reviewer fields are left out, as on the claim itself."""
        claim = self._visible_claim()
        entries = self.paginate_queryset(claim_history(claim, show_staff=can_read_all_claims(request.user)))
        return self.paginator.get_paginated_response(entries)

    @extend_schema(responses={(200, "application/ld+json"): ClaimReviewSerializer,
                              (200, "application/json"): ClaimReviewSerializer})  # fmt: skip
    @action(detail=True, methods=["get"], filter_backends=[], renderer_classes=[JSONLDRenderer, FastJSONRenderer])
    def claimreview(self, request, pk=None):
        """ClaimReview JSON-LD (schema.org) of a published verdict; 404 without one. Its url is the fact-check's
        public page."""
        pk = int(pk)
        found = visible_claim(user=request.user, pk=pk, evidence=False)
        if found is None:
            raise NotFound("No claim with this id, or not one you may see.")
        row, appearances, _ = found
        review = claim_review(row, appearances, links=Links(request))
        if review is None:
            raise NotFound("This claim has no published verdict yet, so no ClaimReview.")
        return Response(review)


@extend_schema(tags=["claims"])
class ClaimReviewFeedView(KnownQueryParameters, viewsets.GenericViewSet):
    queryset = Claim.objects.all()
    filter_backends = [SelectorFilterBackend]
    filterset_class = ClaimFilter
    renderer_classes = [JSONLDRenderer, FastJSONRenderer]
    pagination_class = None

    def get_queryset(self):
        return claim_list(user=getattr(self.request, "user", None))

    @extend_schema(
        responses={(200, "application/ld+json"): ClaimReviewFeedSerializer,
                   (200, "application/json"): ClaimReviewFeedSerializer}
    )  # fmt: skip
    def list(self, request):
        """Every ClaimReview (published verdicts) as a schema.org DataFeed, streamed; the claims' filters apply.

        With `updated_after`, the reviews taken down since then (verdict unpublished, reopened or moved off, claim
        deleted) follow as DataFeedItems with `dateDeleted` and the review's `url`."""
        from claims.selectors import PUBLISHED

        claims = claim_list(user=request.user, filters=request.query_params).filter(PUBLISHED)
        since = _updated_after(request)
        removed = [] if since is None else removed_claims(user=request.user, since=since, verdicts_only=True)
        lines = claimreview_feed(claims, links=Links(request), removed=removed)
        return streamed_response(lines, content_type=request.accepted_renderer.media_type)


def _child_answer(row: dict, build, version: int, *, status_code: int = 200) -> Response:
    """An appearance or piece of evidence; its ETag is its claim's (every change to it raises the claim's version)."""
    return Response(build(row) | {"claim": row["claim_id"]}, status=status_code, headers={"ETag": etag(version)})


class _ChildViewSet(
    KnownQueryParameters,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Appearances and evidence: read like claims (visibility of their claim), written under the claim's If-Match."""

    filter_backends = [FilteredBackend]
    lookup_value_regex = ID
    columns: tuple[str, ...] = ()
    # Named by each child view: its write serializer and the service that saves it.
    write_serializer: type[serializers.Serializer] | None = None
    save: Callable[..., Model] | None = None

    def _rows(self, queryset):
        return queryset.values(*self.columns, "claim__value", "claim__version", "updated_at")

    def _build(self, row):
        raise NotImplementedError

    def _one(self, pk):
        row = self._rows(self.get_queryset().filter(pk=pk)).first()
        if row is None:
            raise NotFound(f"No {self.noun} with this id, or not one you may see.")
        return row

    def list(self, request):
        rows = self.paginate_queryset(self._rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response([self._build(row) | {"claim": row["claim_id"]} for row in rows])

    def retrieve(self, request, pk=None):
        row = self._one(int(pk))
        return _child_answer(row, self._build, row["claim__version"])

    def _save(self, request, obj, *, partial: bool, version: int | None, status_code: int) -> Response:
        save = type(self).save
        if self.write_serializer is None or save is None:
            raise NotImplementedError(f"{type(self).__name__} names no write serializer or save service")
        serializer = self.write_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if obj.pk is None and not self.get_claims().filter(pk=data["claim"].pk).exists():
            raise ValidationError({"claim": ["no claim with this id that you may see"]})
        saved = save(obj=obj, data=data, actor=request.user, expected_version=version)
        row = self._one(saved.pk)
        return _child_answer(row, self._build, row["claim__version"], status_code=status_code)

    def get_claims(self):
        return claim_list(user=self.request.user)

    def create(self, request):
        # Adding one changes its claim: the claim's ETag in If-Match, as for every other write to it.
        version = expected_version(request)
        return self._save(request, self.queryset.model(), partial=False, version=version, status_code=201)

    def _object(self, pk):
        return self.queryset.model.objects.filter(pk=pk, claim__in=self.get_claims()).first()

    def _edit(self, request, partial):
        obj = self._object(self.kwargs["pk"])
        if obj is None:
            raise NotFound(f"No {self.noun} with this id, or not one you may see.")
        version = expected_version(request)
        return self._save(request, obj, partial=partial, version=version, status_code=200)

    def update(self, request, pk=None):
        return self._edit(request, False)

    def partial_update(self, request, pk=None):
        return self._edit(request, True)

    def destroy(self, request, pk=None):
        obj = self._object(pk)
        if obj is None:
            raise NotFound(f"No {self.noun} with this id, or not one you may see.")
        child_delete(obj=obj, actor=request.user, expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _child_schema(read, write, noun):
    return {
        "list": extend_schema(responses=read(many=True), summary=f"List {noun}"),
        "retrieve": extend_schema(responses=read, summary=f"One {noun}; ETag is its claim's"),
        "create": extend_schema(
            parameters=[IF_MATCH], request=write, responses={201: read}, summary=f"Add {noun} to a claim"
        ),
        "update": extend_schema(parameters=[IF_MATCH], request=write, responses=read),
        "partial_update": extend_schema(parameters=[IF_MATCH], request=write, responses=read),
        "destroy": extend_schema(parameters=[IF_MATCH], responses={204: OpenApiResponse(description="Deleted.")}),
    }


@extend_schema(tags=["appearances"])
@extend_schema_view(**_child_schema(AppearanceSerializer, AppearanceWriteSerializer, "appearances"))
class AppearanceViewSet(_ChildViewSet):
    queryset = Appearance.objects.all()
    filterset_class = AppearanceFilter
    columns = APPEARANCE_COLUMNS
    write_serializer = AppearanceWriteSerializer
    save = staticmethod(lambda **kw: appearance_save(appearance=kw.pop("obj"), **kw))
    noun = "appearance"
    serializer_class = AppearanceSerializer

    def get_queryset(self):
        return appearance_list(user=self.request.user).order_by("claim_id", "id")

    def _build(self, row):
        return appearance_brief(row)


@extend_schema(tags=["evidence"])
@extend_schema_view(**_child_schema(EvidenceSerializer, EvidenceWriteSerializer, "evidence"))
class EvidenceViewSet(_ChildViewSet):
    queryset = Evidence.objects.all()
    filterset_class = EvidenceFilter
    columns = EVIDENCE_COLUMNS
    write_serializer = EvidenceWriteSerializer
    save = staticmethod(lambda **kw: evidence_save(evidence=kw.pop("obj"), **kw))
    noun = "evidence"
    serializer_class = EvidenceSerializer

    def get_queryset(self):
        return evidence_list(user=self.request.user).order_by("claim_id", "id")

    def _build(self, row):
        return evidence_brief(row, row["claim__value"])
