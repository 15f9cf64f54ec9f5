"""The consistency report's admin page: for the desk's staff, linked from the admin's home page, each row linking to
its claims and evidence, in a fixed number of queries."""

from decimal import Decimal

import pytest

from claims.choices import Status
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/consistency/"


def _desk():
    claims = []
    for n in range(3):
        claims.append(ClaimFactory(subject=f"Trade of pair {n}", value=Decimal(100), unit="count", qualifier="exact"))
        claims.append(ClaimFactory(subject=f"Trade of pair {n}", value=Decimal(150), unit="count", qualifier="exact"))
    verified = ClaimFactory(status=Status.VERIFIED, value=Decimal("245000000000"), qualifier="exact")
    evidence = EvidenceFactory(claim=verified, source_value=Decimal("200000000000"))
    return claims, evidence


def test_the_staff_see_each_kind_with_links_to_the_records(client, journalist, django_assert_max_num_queries):
    claims, evidence = _desk()
    client.force_login(journalist)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for kind in ("values", "shares", "changes", "evidence"):
        assert f'id="kind-{kind}"' in page
    for claim in claims:
        assert f'href="/admin/claims/claim/{claim.pk}/change/"' in page
    assert f'href="/admin/claims/evidence/{evidence.pk}/change/"' in page
    assert "a gap of +22.5 %" in page
    assert "<script" not in page.split('id="content-main"')[1]
    _desk()  # as many again: the page's queries stay the same
    with django_assert_max_num_queries(12) as queries:
        client.get(URL)
    count = len(queries)
    _desk()
    with django_assert_max_num_queries(count):
        assert client.get(URL).status_code == 200


def test_the_admin_home_page_links_to_it(client, fact_checker):
    client.force_login(fact_checker)
    assert 'href="/admin/consistency/"' in client.get("/admin/").content.decode()


def test_a_user_without_a_role_is_refused(client):
    user = UserFactory(username="staff-without-role", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page
