"""The admin shows the seed claims with their appearances, sources and evidence."""

from pathlib import Path

import pytest
from django.urls import reverse

from claims.importers import import_files
from claims.models import Claim
from sources.models import Source

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def seeded():
    assert import_files(sorted(FIXTURES.glob("*.json"))).ok


def test_claim_list_shows_seed_claims(client, admin_user, seeded):
    client.force_login(admin_user)
    response = client.get(reverse("admin:claims_claim_changelist"), {"q": "bilateral trade"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "≈ $245 bn" in page and "China–Russia" in page and "Unverified" in page


def test_claim_page_shows_appearance_and_evidence(client, admin_user, seeded):
    client.force_login(admin_user)
    claim = Claim.objects.get(appearances__quote__contains="$245 billion")
    response = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "reaching approximately $245 billion [2] annually by 2024" in page
    assert "prospectmagazine" in page


def test_source_pages(client, admin_user, seeded):
    client.force_login(admin_user)
    assert client.get(reverse("admin:sources_source_changelist")).status_code == 200
    source = Source.objects.get(key="aa-reverse-kissinger-fantasy")
    assert client.get(reverse("admin:sources_source_change", args=[source.pk])).status_code == 200
    assert client.get(reverse("admin:sources_publisher_changelist")).status_code == 200
    assert client.get(reverse("admin:claims_evidence_changelist")).status_code == 200


@pytest.mark.parametrize("per_page", [5, 50])
def test_claim_list_query_count_does_not_grow_with_page_size(
    client, admin_user, seeded, per_page, django_assert_max_num_queries, monkeypatch
):
    from claims.admin import ClaimAdmin

    monkeypatch.setattr(ClaimAdmin, "list_per_page", per_page)
    client.force_login(admin_user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("admin:claims_claim_changelist")).status_code == 200


def test_source_page_lists_the_claims_in_it_and_those_it_is_evidence_for(client, admin_user, seeded):
    client.force_login(admin_user)
    article = Source.objects.get(key="aa-reverse-kissinger-fantasy")
    page = client.get(reverse("admin:sources_source_change", args=[article.pk])).content.decode()
    assert "Claims that appear in it" in page and "met over 42 times" in page
    assert f"?source={article.pk}" in page
    cited = Source.objects.get(url__contains="prospectmagazine")
    page = client.get(reverse("admin:sources_source_change", args=[cited.pk])).content.decode()
    assert "Cited by the article" in page and f"?evidence_source={cited.pk}" in page
    listed = client.get(reverse("admin:claims_claim_changelist"), {"evidence_source": cited.pk}).content.decode()
    assert "≈ $245 bn" in listed and "$3.5 bn" in listed


def test_a_large_filtered_list_shows_an_estimated_count(client, admin_user, seeded, monkeypatch):

    from claims.admin import paginator

    client.force_login(admin_user)
    url = reverse("admin:claims_claim_changelist")
    exact = client.get(url, {"status__exact": "unverified"})
    assert exact.context["cl"].result_count == Claim.objects.filter(status="unverified").count()
    assert not exact.context["cl"].paginator.estimated
    monkeypatch.setattr(paginator, "EXACT_UP_TO", 3)
    response = client.get(url, {"status__exact": "unverified"})
    assert response.context["cl"].paginator.estimated and response.context["cl"].result_count >= 4
    assert "about" in response.content.decode()


def test_a_search_alone_pages_its_ids_among_the_search_documents(client, admin_user, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.admin.claim_admin import ClaimAdmin
    from tests.factories import ClaimFactory

    for n in range(7):
        ClaimFactory(subject=f"Wheat exports {n}" if n % 2 else f"Wheat harvest and wheat exports {n}")
    ClaimFactory(subject="Rice exports")
    monkeypatch.setattr(ClaimAdmin, "list_per_page", 3)
    client.force_login(admin_user)
    url = reverse("admin:claims_claim_changelist")

    def listed(params):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        return [claim.pk for claim in response.context["cl"].result_list], [q["sql"] for q in captured]

    for page in ("1", "2", "3"):
        alone, queries = listed({"q": "wheat", "p": page})
        joined, _ = listed({"q": "wheat", "p": page, "status__exact": "unverified"})  # every claim is: the same list
        assert alone == joined and len(alone) in (1, 3)
        assert any(sql.startswith('SELECT "claims_claimsearch"."claim_id"') and "claims_claim\"" not in sql.split(
            "WHERE")[0] for sql in queries), queries  # fmt: skip


def test_the_claim_list_reads_a_page_of_ids_then_their_rows_in_the_lists_order():
    from claims.admin.paginator import IdsFirstPaginator
    from claims.filters import ClaimFilter
    from tests.factories import ClaimFactory

    for n in range(7):
        ClaimFactory(subject=f"Wheat exports {n}" if n % 2 else f"Wheat harvest and wheat exports {n}")
    ranked = ClaimFilter(data={"q": "wheat exports"}, queryset=Claim.objects.all()).qs
    expected = list(ranked.values_list("id", flat=True))
    paginator = IdsFirstPaginator(ranked, 3, orphans=1)
    pages = [[claim.pk for claim in paginator.page(n).object_list] for n in paginator.page_range]
    assert pages == [expected[0:3], expected[3:7]]  # the last page takes the orphan
    assert all(isinstance(claim, Claim) for claim in paginator.page(1).object_list)
