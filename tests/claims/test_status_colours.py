"""Status colours (claims.choices.STATUS_COLOURS): one table, and the claim list's column and the claim page's badge
both draw from it."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.choices import STATUS_COLOURS, WITHDRAWN_COLOUR, Status
from claims.templatetags.claim_status import status_badge_html
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "claims" / "templates"


def test_every_status_has_a_colour_of_its_own():
    assert set(STATUS_COLOURS) == set(Status.values)
    assert len(set(STATUS_COLOURS.values())) == len(Status.values)


@pytest.mark.parametrize("status", Status.values)
def test_the_list_and_the_claim_page_colour_a_status_alike(client, admin_user, status):
    claim = ClaimFactory(status=status, subject=f"Claim {status}")
    client.force_login(admin_user)
    badge = status_badge_html(status)
    assert f"background:{STATUS_COLOURS[status]}" in badge and f">{Status(status).label}</span>" in badge

    listed = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert badge in listed

    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert status_badge_html(status, element_id="status-badge") in page


def test_a_withdrawn_claim_is_marked_alike(client, admin_user):
    claim = ClaimFactory(status=Status.FALSE, withdrawn_at=timezone.now(), withdrawal_reason="Duplicate")
    client.force_login(admin_user)
    badge = status_badge_html(Status.FALSE, withdrawn=True)
    assert f'<span style="color:{WITHDRAWN_COLOUR}">(withdrawn)</span>' in badge
    assert badge in client.get(reverse("admin:claims_claim_changelist")).content.decode()
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert status_badge_html(Status.FALSE, withdrawn=True, element_id="status-badge") in page


def test_no_template_keeps_its_own_copy_of_the_colours():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for colour in STATUS_COLOURS.values():
            assert colour not in text, f"{template.name} repeats {colour}"
