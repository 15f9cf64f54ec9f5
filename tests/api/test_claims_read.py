"""Reading claims: shape, visibility per role, filters, search, ordering, facets, pagination, query counts."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from claims.choices import Status
from tests.factories import ClaimFactory, EvidenceFactory, PublisherFactory, SourceFactory

from .conftest import client_for, make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def ids(response) -> set[int]:
    return {c["id"] for c in response.json()["results"]}


def test_anonymous_sees_only_published_verdicts(api_client, claims):
    response = api_client.get(URL)
    assert response.status_code == 200
    assert ids(response) == {claims["verified"].id, claims["false"].id}
    assert response.json()["count"] == 2


def test_journalist_sees_everything(journalist_client, claims):
    response = journalist_client.get(URL)
    assert response.status_code == 200
    assert ids(response) == {c.id for c in claims.values()}


@pytest.mark.parametrize("name", ["unverified", "in_review"])
def test_unpublished_claim_is_404_for_anonymous_in_detail_and_children(api_client, claims, name):
    claim = claims[name]
    for url in (f"{URL}{claim.id}/", f"{URL}{claim.id}/claimreview/"):
        response = api_client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    evidence = claim.evidence.get()
    assert api_client.get(f"/api/v1/evidence/{evidence.id}/").status_code == 404
    assert evidence.id not in {e["id"] for e in api_client.get("/api/v1/evidence/").json()["results"]}


def test_detail_carries_the_full_claim(journalist_client, claims, fact_checker):
    claim = claims["verified"]
    response = journalist_client.get(f"{URL}{claim.id}/")
    assert response.status_code == 200
    assert response["ETag"] == f'W/"{claim.version}"'
    body = response.json()
    assert body["quantity"] == {
        "value": "245000000000",
        "unit": "USD",
        "qualifier": "approximately",
        "lower_bound": None,
        "upper_bound": None,
        "display": "≈ $245 bn",
    }
    assert body["period"]["label"] == "2024" and body["period"]["start"] == "2024-01-01"
    assert body["status"] == "verified"
    verdict = body["verdict"]
    assert verdict["textual_rating"] == "Verified" and verdict["rating_value"] == 5
    assert verdict["explanation"] == "Checked against the customs statistics."
    assert verdict["reviewer"] == {"id": fact_checker.id, "username": "checker"}
    appearance = body["appearances"][0]
    assert appearance["source"]["publisher"]["name"] == "CSIS"
    assert appearance["quote"] == "trade reached approximately $245 billion"
    evidence = body["evidence"][0]
    assert evidence["source_value"] == "244800000000" and evidence["gap_percent"] == "0.1"
    assert body["links"]["self"].endswith(f"/api/v1/claims/{claim.id}/")
    assert body["links"]["admin"].endswith(f"/admin/claims/claim/{claim.id}/change/")
    assert body["links"]["claimreview"].endswith(f"/api/v1/claims/{claim.id}/claimreview/")


def test_anonymous_does_not_see_staff_names(api_client, claims):
    body = api_client.get(f"{URL}{claims['verified'].id}/").json()
    assert body["verdict"]["reviewer"] is None and body["assignee"] is None


def test_fields_keeps_lists_small(journalist_client, claims):
    response = journalist_client.get(URL, {"fields": "id,subject,quantity"})
    assert response.status_code == 200
    assert all(set(c) == {"id", "subject", "quantity"} for c in response.json()["results"])
    bad = journalist_client.get(URL, {"fields": "id,password"})
    assert bad.status_code == 400 and "password" in bad.json()["fields"]["fields"][0]


def test_filters(journalist_client, claims):
    verified, false = claims["verified"], claims["false"]
    csis = verified.appearances.get().source
    cases = {
        "status=verified,false": {verified.id, false.id},
        "unit=count": {false.id},
        "value_min=100000000000": {c.id for n, c in claims.items() if n != "false"},
        "value_max=50000": {false.id},
        f"publisher={csis.publisher_id}": {verified.id},
        f"source={csis.id}": {verified.id},
        "claim_type=current_value": {c.id for c in claims.values()},
        "has_evidence=true": {c.id for c in claims.values()},
        "period_from=2025": set(),
        "period_to=2024-06": {c.id for c in claims.values()},
    }
    for query, expected in cases.items():
        response = journalist_client.get(f"{URL}?{query}")
        assert response.status_code == 200, query
        assert ids(response) == expected, query


def test_evidence_source_assignee_and_updated_after(journalist_client, claims, fact_checker):
    claim = claims["in_review"]
    evidence = claim.evidence.get()
    assert ids(journalist_client.get(URL, {"evidence_source": evidence.source_id})) == {claim.id}
    assert ids(journalist_client.get(URL, {"evidence_publisher": evidence.source.publisher_id})) == {claim.id}
    claim.assignee = fact_checker
    claim.save()
    assert ids(journalist_client.get(URL, {"assignee": fact_checker.id})) == {claim.id}
    after = (claim.updated_at - dt.timedelta(microseconds=1)).isoformat()
    assert ids(journalist_client.get(URL, {"updated_after": after})) == {claim.id}
    claim.evidence.all().delete()
    assert ids(journalist_client.get(URL, {"has_evidence": "false"})) == {claim.id}


def test_every_claim_over_100_billion_citing_csis_verified(api_client, claims):
    """The README's journalist question, answered with filters only."""
    publisher = PublisherFactory(name="CSIS")
    response = api_client.get(
        URL, {"value_min": "100000000000", "unit": "USD", "status": "verified", "publisher": publisher.id}
    )
    assert ids(response) == {claims["verified"].id}


def test_full_text_search(journalist_client, claims):
    response = journalist_client.get(URL, {"q": "bilateral"})
    assert response.status_code == 200
    assert ids(response) == {claims["verified"].id}
    # quotes of appearances and titles of their sources are searched too
    assert claims["verified"].id in ids(journalist_client.get(URL, {"q": "report"}))
    assert ids(journalist_client.get(URL, {"q": "troops -bilateral"})) == {claims["false"].id}
    assert ids(journalist_client.get(URL, {"q": "troops OR bilateral"})) == {claims["false"].id, claims["verified"].id}
    assert ids(journalist_client.get(URL, {"q": '"Russia–China bilateral"'})) == {claims["verified"].id}


def test_full_text_search_stems_and_ranks(journalist_client, claims):
    response = journalist_client.get(URL, {"q": "deploying troop"})
    assert ids(response) == {claims["false"].id}
    ranked = journalist_client.get(URL, {"q": "trade", "ordering": "relevance"})
    assert ranked.status_code == 200 and claims["verified"].id in ids(ranked)


def test_search_documents_follow_every_change(journalist_client, claims):
    from claims.models import Appearance, Claim
    from sources.models import Source

    verified = claims["verified"]
    found = lambda q: ids(journalist_client.get(URL, {"q": q}))  # noqa: E731
    Source.objects.filter(appearances__claim=verified).update(title="Customs yearbook")  # a bulk update
    assert verified.id in found("yearbook") and verified.id not in found("report")
    Claim.objects.filter(pk=verified.pk).update(subject="Sino-Russian commerce")
    assert found("commerce") == {verified.id} and verified.id not in found("bilateral")
    appearance = Appearance.objects.get(claim=verified)
    appearance.quote = "turnover reached a record"
    appearance.save()
    assert verified.id in found("record")
    appearance.delete()
    assert verified.id not in found("yearbook") and verified.id in found("commerce")
    assert ids(journalist_client.get(URL, {"q": "commerce", "ordering": "relevance"})) == {verified.id}


def test_ordering(journalist_client, claims):
    by_value = [c["id"] for c in journalist_client.get(URL, {"ordering": "value"}).json()["results"]]
    assert by_value[0] == claims["false"].id
    by_value_desc = [c["id"] for c in journalist_client.get(URL, {"ordering": "-value"}).json()["results"]]
    assert by_value_desc[-1] == claims["false"].id
    assert journalist_client.get(URL, {"ordering": "password"}).status_code == 400


def _sorts(page) -> str | None:
    """The plan of a page's query when it sorts every match (a Sort node; an Incremental Sort of an index's ties is
    fine), else None; a plan that must sort costs ~1e10 with enable_sort off, so the planner avoids any it can."""
    from django.db import connection

    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return plan if re.search(r"(^|->)\s*Sort\s+\(cost", plan, re.MULTILINE) else None


def test_ordering_by_a_column_never_null_is_read_off_its_index(journalist_client, journalist, claims):
    from claims.models import Claim
    from claims.selectors import claim_list, claim_search_ids

    expected = list(Claim.objects.order_by("-updated_at", "-id").values_list("id", flat=True))
    newest = journalist_client.get(URL, {"ordering": "-updated"}).json()["results"]
    assert [c["id"] for c in newest] == expected
    oldest = [c["id"] for c in journalist_client.get(URL, {"ordering": "updated", "q": "trade"}).json()["results"]]
    assert len(oldest) > 1 and oldest == [pk for pk in reversed(expected) if pk in oldest]
    # The ids in the order of the (-updated_at, -id) index: without NULLS LAST, which a backward scan can't give,
    # PostgreSQL reads them off the index instead of sorting every match. A search alone by last change too: its
    # page walks the index and probes each claim's search document.
    filters = {"ordering": "-updated"}
    listed = claim_list(user=journalist, filters=filters).values_list("id", flat=True)
    searched = claim_search_ids(user=journalist, filters={**filters, "q": "trade"})
    for page in (listed[:50], searched[:50]):
        assert _sorts(page) is None, _sorts(page)


@pytest.mark.parametrize(
    "filters",
    [{"ordering": "value"}, {"ordering": "-value"}, {"ordering": "-value", "unit": "USD"},
     {"ordering": "period"}, {"ordering": "-period"}],
)  # fmt: skip
def test_ordering_by_figure_or_period_keeps_claims_without_one_last_and_reads_an_index(
    journalist_client, journalist, claims, filters
):
    from claims.selectors import claim_list

    ClaimFactory(status=Status.UNVERIFIED, subject="A comparison without a figure", value=None, unit="",
                 period="", period_start=None, period_end=None, period_precision="")  # fmt: skip
    rows = journalist_client.get(URL, filters).json()["results"]
    field = "period_start" if "period" in filters["ordering"] else "value"
    values = [Decimal(r["quantity"]["value"]) if field == "value" and r["quantity"]["value"] is not None else
              (r["period"] or {}).get("start") if field == "period_start" else None for r in rows]  # fmt: skip
    known = [v for v in values if v is not None]
    assert values == known + [None] * (len(values) - len(known))  # the claims without one come last
    assert known == sorted(known, reverse=filters["ordering"].startswith("-"))
    assert _sorts(claim_list(user=journalist, filters=filters).values_list("id", flat=True)[:50]) is None


def test_facets_follow_the_filters(journalist_client, claims):
    response = journalist_client.get(URL, {"facet": "status,unit,publisher", "value_min": "1000000"})
    assert response.status_code == 200
    facets = response.json()["facets"]
    assert {f["value"]: f["count"] for f in facets["status"]} == {"unverified": 1, "in_review": 1, "verified": 1}
    assert facets["unit"] == [{"value": "USD", "label": "US dollars", "count": 3}]
    assert {f["label"] for f in facets["publisher"]} >= {"CSIS"}
    assert journalist_client.get(URL, {"facet": "secret"}).status_code == 400


def test_page_numbers_and_capped_page_size(journalist_client, claims, settings):
    first = journalist_client.get(URL, {"page_size": 3}).json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["next"] and first["previous"] is None
    second = journalist_client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert journalist_client.get(URL, {"page": 9}).status_code == 404
    assert journalist_client.get(URL, {"page_size": 100000}).json()["page_size"] == settings.API_MAX_PAGE_SIZE
    assert journalist_client.get(URL, {"page": "x"}).status_code == 400
    settings.API_COUNT_LIMIT = 2
    capped = journalist_client.get(URL, {"page_size": 1}).json()
    assert capped["count"] is None and capped["count_exact"] is False and capped["count_estimate"] >= 3


def test_counts_are_cached_briefly_when_configured(journalist_client, claims, settings):
    settings.API_COUNT_CACHE_SECONDS = 30
    assert journalist_client.get(URL, {"page_size": 1}).json()["count"] == 4
    make_claim(subject="A fifth")
    lagging = journalist_client.get(URL, {"page_size": 1}).json()
    assert lagging["count"] == 4  # the cached count, for up to 30 s; the rows themselves are fresh
    assert lagging["results"][0]["subject"] == "A fifth"
    assert journalist_client.get(URL, {"page_size": 1, "status": "unverified"}).json()["count"] == 2


def test_cursor_mode_syncs_changes(journalist_client, claims):
    seen, url = [], f"{URL}?cursor=&page_size=3"
    while url:
        body = journalist_client.get(url).json()
        seen += [c["id"] for c in body["results"]]
        url, resume = body["next"], body["cursor"]
    assert sorted(seen) == sorted(c.id for c in claims.values())
    assert journalist_client.get(URL, {"cursor": resume}).json()["results"] == []
    claims["unverified"].subject = "Changed since"
    claims["unverified"].save()
    assert [c["id"] for c in journalist_client.get(URL, {"cursor": resume}).json()["results"]] == [
        claims["unverified"].id
    ]
    assert journalist_client.get(URL, {"cursor": "garbage!"}).status_code == 400


def _many_claims(n):
    for i in range(n):
        claim = make_claim(status=Status.VERIFIED, subject=f"Claim {i}")
        EvidenceFactory(claim=claim, source=SourceFactory())


@pytest.mark.parametrize("page_size", [5, 40])
def test_queries_per_list_page_do_not_grow_with_the_page(journalist_client, django_assert_max_num_queries, page_size):
    _many_claims(45)
    journalist_client.get(URL, {"page_size": 1})  # the user's role is now cached
    # token, role (cache), throttle in the database cache (6: read, count, savepoint, write), claims, count,
    # appearances, evidence, facet: 14 whatever the page size (with Redis as the cache, 6)
    with django_assert_max_num_queries(14):
        response = journalist_client.get(URL, {"page_size": page_size, "facet": "status"})
    assert response.status_code == 200 and len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [5, 40])
def test_queries_per_evidence_and_source_page_are_constant(api_client, django_assert_max_num_queries, page_size):
    _many_claims(45)
    for url in ("/api/v1/evidence/", "/api/v1/sources/", "/api/v1/publishers/", "/api/v1/appearances/"):
        with django_assert_max_num_queries(8):
            response = api_client.get(url, {"page_size": page_size})
        assert response.status_code == 200 and len(response.json()["results"]) == page_size, url


def test_sources_publishers_evidence_appearances(api_client, journalist_client, claims):
    verified = claims["verified"]
    csis = verified.appearances.get().source
    source = api_client.get(f"/api/v1/sources/{csis.id}/")
    assert source.status_code == 200 and source.json()["publisher"]["name"] == "CSIS"
    hidden = claims["unverified"].appearances.get().source
    assert api_client.get(f"/api/v1/sources/{hidden.id}/").status_code == 404
    assert journalist_client.get(f"/api/v1/sources/{hidden.id}/").status_code == 200
    publishers = api_client.get("/api/v1/publishers/", {"q": "csis"}).json()["results"]
    assert [p["name"] for p in publishers] == ["CSIS"]
    evidence = api_client.get("/api/v1/evidence/", {"claim": verified.id}).json()["results"]
    assert [e["claim"] for e in evidence] == [verified.id] and evidence[0]["gap_percent"] == "0.1"
    appearances = journalist_client.get("/api/v1/appearances/", {"source": csis.id}).json()["results"]
    assert [a["claim"] for a in appearances] == [verified.id]
    assert journalist_client.get("/api/v1/evidence/", {"relation": "nonsense"}).status_code == 400


def test_value_text_is_exact(journalist_client):
    claim = make_claim(value=Decimal("3.5"), unit="percent")
    body = journalist_client.get(f"{URL}{claim.id}/").json()
    assert body["quantity"]["value"] == "3.5" and body["quantity"]["display"] == "≈ 3.5 %"


def test_new_units_and_approximate_periods_keep_the_apis_shape(journalist_client, fact_checker):
    """The API's figures stay decimal strings in any unit; a period written "late 1980s" keeps its words and years."""
    from claims.periods import parse_period, period_fields

    claim = make_claim(value=Decimal("108000000"), unit="tonnes", **period_fields(parse_period("late 1980s")))
    body = journalist_client.get(f"{URL}{claim.id}/").json()
    assert body["quantity"]["value"] == "108000000" and body["quantity"]["unit"] == "tonnes"
    assert body["quantity"]["display"] == "≈ 108 m tonnes"
    assert body["period"] == {
        "label": "late 1980s",
        "display": "late 1980s",
        "start": "1985-01-01",
        "end": "1989-12-31",
        "precision": "year",
        "as_of": False,
        "approximate": True,
    }
    listed = journalist_client.get(URL, {"period_from": "1986", "period_to": "1986", "unit": "tonnes"}).json()
    assert [row["id"] for row in listed["results"]] == [claim.id]
    created = client_for(fact_checker).post(
        URL,
        {"subject": "Oil", "claim_type": "current_value", "value": "2000000", "unit": "barrels_per_day",
         "period": "the mid-1980s"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["quantity"]["display"], body["period"]["label"]) == ("2 m barrels/day", "mid-1980s")
