"""`/api/v1/claims:search`, shaped like Google's Fact Check Tools API (v1alpha1 claims:search), so that scripts
written for it work against this desk by changing the base URL; the same view answers at
`/factchecktools/v1alpha1/claims:search`, where Google's own client (google-api-python-client, built with
`client_options={"api_endpoint": "https://desk/factchecktools/"}`) sends its requests.

Only claims with a verdict have a ClaimReview, so only those are found. Our reviews are in English: a
languageCode whose primary language isn't "en" finds nothing; a reviewPublisherSiteFilter other than our site
(CLAIMREVIEW_AUTHOR["url"]'s host) finds nothing.

Google's standard parameters: `key` is accepted and ignored (the published fact-checks are anyone's to read; send
`Authorization: Token …` to be throttled as your user), `alt` must be `json`, `prettyPrint` is any boolean (true:
indented), `quotaUser` is ignored.

A `nextPageToken` is signed (django.core.signing) and carries the parameters of the request it continues: sent with
other parameters it is refused (400 naming them), as is an `offset` other than that request's own (the client's
`search_next` repeats every parameter of the first request, offset included).
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from claims.choices import textual_rating_of
from claims.claimreview import appearance_row_date, fact_check_path, first_appearance_row
from claims.selectors import PUBLISHED, claim_list, claim_rows, related_rows
from factcheck.api.filtering import KnownQueryParameters
from factcheck.api.schema import DeskAutoSchema

from .claimreview import claim_headline, organisation
from .representation import Links, appearance_row_claimant

MAX_PAGE_SIZE = 100
TOKEN_SALT = "claims.api.factcheck_tools.page"
# What a page token is bound to: every parameter that decides which claims come in which order, and the page size.
BOUND_PARAMETERS = ("query", "languageCode", "reviewPublisherSiteFilter", "maxAgeDays", "pageSize", "offset")
NOT_OURS = "is not a token this API gave out; start again without pageToken"


class SearchParameters(serializers.Serializer):
    query = serializers.CharField(required=False, max_length=500, help_text="Textual query (websearch syntax).")
    languageCode = serializers.CharField(required=False, max_length=35, help_text='BCP-47, e.g. "en-US".')  # noqa: N815
    reviewPublisherSiteFilter = serializers.CharField(required=False, max_length=255)  # noqa: N815
    maxAgeDays = serializers.IntegerField(required=False, min_value=1, max_value=100_000)  # noqa: N815
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=10)  # noqa: N815
    pageToken = serializers.CharField(  # noqa: N815
        required=False, max_length=2000,
        help_text="The nextPageToken of the previous answer, sent with that request's parameters unchanged.",
    )  # fmt: skip
    offset = serializers.IntegerField(
        required=False, min_value=0, max_value=10_000_000,
        help_text="Where to start (0: the first match); with pageToken only the offset of the request it continues.",
    )  # fmt: skip
    # Google's standard parameters, which its client sends.
    key = serializers.CharField(required=False, max_length=200, help_text="Google's API key: accepted and ignored.")
    alt = serializers.ChoiceField(choices=["json"], required=False, help_text="Response format: json only.")
    prettyPrint = serializers.BooleanField(  # noqa: N815
        required=False, default=False, help_text="Indent the JSON (any boolean: true / false, 1 / 0, …)."
    )
    quotaUser = serializers.CharField(required=False, max_length=40, help_text="Accepted and ignored.")  # noqa: N815

    def validate(self, attrs):
        if not attrs.get("query") and not attrs.get("reviewPublisherSiteFilter"):
            raise ValidationError({"query": ["is required unless reviewPublisherSiteFilter is given"]})
        bound = {name: attrs.get(name) for name in BOUND_PARAMETERS}
        attrs["bound"] = bound
        token = attrs.get("pageToken")
        if not token:
            attrs["start"] = attrs.get("offset") or 0
            return attrs
        try:
            issued = signing.loads(token, salt=TOKEN_SALT)
            start, given_for = int(issued["start"]), dict(issued["for"])
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise ValidationError({"pageToken": [NOT_OURS]}) from exc
        if bound["offset"] is not None and bound["offset"] != given_for.get("offset"):
            raise ValidationError({"offset": [
                "can't be combined with pageToken: the token says where its page starts; send the token with the "
                "parameters of the request that returned it, or offset without a token"
            ]})  # fmt: skip
        changed = [name for name in BOUND_PARAMETERS if given_for.get(name) != bound[name]]
        if changed:
            raise ValidationError({"pageToken": [
                f"was given for other parameters (not the same: {', '.join(changed)}): repeat the request's parameters "
                "unchanged, or start again without pageToken"
            ]})  # fmt: skip
        attrs["start"] = start
        return attrs


def page_token(start: int, bound: dict) -> str:
    """The signed token of the page starting at `start` of the search with these parameters."""
    return signing.dumps({"start": start, "for": bound}, salt=TOKEN_SALT, compress=True)


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


class _SearchSchema(DeskAutoSchema):
    """One view at two paths: `claims_search` under /api/v1/, `factchecktools_claims_search` at Google's path."""

    def get_operation_id(self):
        return "claims_search" if self.path.startswith("/api/") else "factchecktools_claims_search"


class ClaimSearchView(KnownQueryParameters):
    """Search the desk's published fact-checks, answered in the shape of Google's Fact Check Tools claims:search."""

    pagination_class = None
    schema = _SearchSchema()
    query_parameters = {"get": [SearchParameters]}
    pretty = False

    def get_renderer_context(self):
        return super().get_renderer_context() | ({"indent": 2} if self.pretty else {})

    @extend_schema(
        tags=["compatibility"],
        responses={200: RESPONSE},
    )
    def get(self, request):
        params = SearchParameters(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        self.pretty = p["prettyPrint"]
        language = p.get("languageCode", "en").split("-")[0].lower()
        site = p.get("reviewPublisherSiteFilter", "").strip().lower().removeprefix("www.")
        if language != "en" or (site and site != _site().removeprefix("www.")):
            return Response({"claims": []})
        filters = {"q": p["query"]} if p.get("query") else {}
        claims = claim_list(user=request.user, filters=filters).filter(PUBLISHED)
        if p.get("maxAgeDays"):
            claims = claims.filter(published_at__gte=timezone.now() - dt.timedelta(days=p["maxAgeDays"]))
        if not filters:
            claims = claims.order_by("-published_at", "-id")
        offset, size = p["start"], p["pageSize"]
        rows = list(claim_rows(claims)[offset : offset + size + 1])
        more, rows = len(rows) > size, rows[:size]
        appearances, _ = related_rows([r["id"] for r in rows], evidence=False)
        links, author = Links(request), organisation()
        body = {"claims": [self._claim(r, appearances[r["id"]], links, author) for r in rows]}
        if more:
            body["nextPageToken"] = page_token(offset + size, p["bound"])
        return Response(body)

    @staticmethod
    def _claim(row, appearances, links, author) -> dict:
        first = first_appearance_row(appearances)
        claim = {"text": first["quote"] if first else claim_headline(row, None)}
        if first is not None:
            claimant = appearance_row_claimant(first)
            if claimant is not None:
                claim["claimant"] = claimant.name
            date = appearance_row_date(first)
            if date:
                claim["claimDate"] = _stamp(date)
        review = {
            "publisher": {"name": author["name"], "site": _site()},
            "url": links.base + fact_check_path(row["id"], claim_headline(row, first)),
            "title": claim_headline(row, first),
            "reviewDate": _stamp(row["published_at"]),
            "textualRating": textual_rating_of(row["status"], row["textual_rating"]),
            "languageCode": "en",
        }
        claim["claimReview"] = [review]
        return claim
