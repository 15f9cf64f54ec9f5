"""`/api/v1/claims:search`, shaped like Google's Fact Check Tools API (v1alpha1 claims:search), so that scripts
written for it work against this desk by changing the base URL.

Only claims with a verdict have a ClaimReview, so only those are found. Our reviews are in English: a
languageCode whose primary language isn't "en" finds nothing; a reviewPublisherSiteFilter other than our site
(CLAIMREVIEW_AUTHOR["url"]'s host) finds nothing.
"""

import base64
import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from claims.choices import VERDICTS, textual_rating_of
from claims.selectors import claim_list, claim_rows, related_rows
from factcheck.api.filtering import KnownQueryParameters

from .claimreview import claim_reviewed, organisation
from .representation import Links, appearance_row_claimant, appearance_row_date, first_appearance_row

MAX_PAGE_SIZE = 100


class SearchParameters(serializers.Serializer):
    query = serializers.CharField(required=False, max_length=500, help_text="Textual query (websearch syntax).")
    languageCode = serializers.CharField(required=False, max_length=35, help_text='BCP-47, e.g. "en-US".')  # noqa: N815
    reviewPublisherSiteFilter = serializers.CharField(required=False, max_length=255)  # noqa: N815
    maxAgeDays = serializers.IntegerField(required=False, min_value=1, max_value=100_000)  # noqa: N815
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=10)  # noqa: N815
    pageToken = serializers.CharField(required=False, max_length=100)  # noqa: N815
    offset = serializers.IntegerField(required=False, min_value=0, max_value=10_000_000, default=0)

    def validate(self, attrs):
        if not attrs.get("query") and not attrs.get("reviewPublisherSiteFilter"):
            raise ValidationError({"query": ["is required unless reviewPublisherSiteFilter is given"]})
        token = attrs.get("pageToken")
        if token:
            try:
                attrs["offset"] = int(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
            except ValueError as exc:
                raise ValidationError({"pageToken": ["is not a token this API gave out"]}) from exc
            if not 0 <= attrs["offset"] <= 10_000_000:
                raise ValidationError({"pageToken": ["is not a token this API gave out"]})
        return attrs


def _site() -> str:
    return urlsplit(settings.CLAIMREVIEW_AUTHOR["url"]).hostname or ""


def _stamp(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


PUBLISHER_FIELDS: dict[str, serializers.Field] = {"name": serializers.CharField(), "site": serializers.CharField()}
REVIEW_FIELDS: dict[str, serializers.Field] = {
    "publisher": inline_serializer("FactCheckPublisher", PUBLISHER_FIELDS),
    "url": serializers.URLField(),
    "title": serializers.CharField(),
    "reviewDate": serializers.DateTimeField(),
    "textualRating": serializers.CharField(),
    "languageCode": serializers.CharField(),
}
CLAIM_FIELDS: dict[str, serializers.Field] = {
    "text": serializers.CharField(),
    "claimant": serializers.CharField(required=False),
    "claimDate": serializers.DateTimeField(required=False),
    "claimReview": inline_serializer("FactCheckClaimReview", REVIEW_FIELDS, many=True),
}
RESPONSE = inline_serializer(
    "FactCheckSearchResponse",
    {
        "claims": inline_serializer("FactCheckClaim", CLAIM_FIELDS, many=True),
        "nextPageToken": serializers.CharField(required=False),
    },
)


class ClaimSearchView(KnownQueryParameters):
    """Search the desk's published fact-checks, answered in the shape of Google's Fact Check Tools claims:search."""

    pagination_class = None
    query_parameters = {"get": [SearchParameters]}

    @extend_schema(
        tags=["compatibility"],
        operation_id="claims_search",
        responses={200: RESPONSE},
    )
    def get(self, request):
        params = SearchParameters(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        language = p.get("languageCode", "en").split("-")[0].lower()
        site = p.get("reviewPublisherSiteFilter", "").strip().lower().removeprefix("www.")
        if language != "en" or (site and site != _site().removeprefix("www.")):
            return Response({"claims": []})
        filters = {"q": p["query"]} if p.get("query") else {}
        claims = claim_list(user=request.user, filters=filters).filter(status__in=VERDICTS)
        if p.get("maxAgeDays"):
            claims = claims.filter(reviewed_at__gte=timezone.now() - dt.timedelta(days=p["maxAgeDays"]))
        if not filters:
            claims = claims.order_by("-reviewed_at", "-id")
        offset, size = p["offset"], p["pageSize"]
        rows = list(claim_rows(claims)[offset : offset + size + 1])
        more, rows = len(rows) > size, rows[:size]
        appearances, _ = related_rows([r["id"] for r in rows], evidence=False)
        links, author = Links(request), organisation()
        body = {"claims": [self._claim(r, appearances[r["id"]], links, author) for r in rows]}
        if more:
            body["nextPageToken"] = base64.urlsafe_b64encode(str(offset + size).encode()).decode().rstrip("=")
        return Response(body)

    @staticmethod
    def _claim(row, appearances, links, author) -> dict:
        first = first_appearance_row(appearances)
        claim = {"text": first["quote"] if first else claim_reviewed(row, None)}
        if first is not None:
            claimant = appearance_row_claimant(first)
            if claimant is not None:
                claim["claimant"] = claimant.name
            date = appearance_row_date(first)
            if date:
                claim["claimDate"] = _stamp(date)
        review = {
            "publisher": {"name": author["name"], "site": _site()},
            "url": f"{links.claim(row['id'])}claimreview/",
            "title": claim_reviewed(row, first),
            "reviewDate": _stamp(row["reviewed_at"] or row["updated_at"]),
            "textualRating": textual_rating_of(row["status"], row["textual_rating"]),
            "languageCode": "en",
        }
        claim["claimReview"] = [review]
        return claim
