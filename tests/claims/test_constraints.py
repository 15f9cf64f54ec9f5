"""The database itself refuses inconsistent data, whatever path it comes by."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from claims.models import Appearance, Claim
from sources.models import Source
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(**fields)


def test_a_valid_claim_is_stored():
    claim = ClaimFactory(lower_bound=Decimal("240000000000"), upper_bound=Decimal("250000000000"))
    assert Claim.objects.get(pk=claim.pk).display_quantity == "≈ $245 bn ($240 bn–$250 bn)"


@pytest.mark.parametrize(
    "fields",
    [
        {"lower_bound": Decimal("300000000000")},
        {"upper_bound": Decimal("100")},
        {"value": None, "lower_bound": Decimal("5"), "upper_bound": Decimal("3")},
    ],
)
def test_bounds_must_be_ordered_around_the_value(fields):
    refused(**fields)


def test_percentages_stay_within_0_100_unless_a_change():
    refused(unit="percent", value=Decimal("120"))
    refused(unit="percent", value=Decimal("-3"))
    refused(unit="percent", value=Decimal("50"), upper_bound=Decimal("101"))
    ClaimFactory(unit="percent", value=Decimal("150"), claim_type="change")
    ClaimFactory(unit="percent", value=Decimal("-12"), claim_type="change")


def test_status_type_qualifier_and_unit_must_be_in_their_sets():
    refused(status="probably")
    refused(claim_type="gossip")
    refused(qualifier="sort of")
    refused(unit="furlongs")


def test_a_figure_needs_a_unit_and_no_figure_has_none():
    refused(unit="")
    refused(value=None, unit="USD")
    ClaimFactory(value=None, unit="", claim_type="comparison")


def test_period_parts_must_agree():
    refused(period="", period_start=None, period_end=None, period_precision="year")
    refused(period="2024", period_start=None, period_end=None, period_precision="")
    refused(period_start=__import__("datetime").date(2025, 1, 1))  # starts after it ends (2024-12-31)


def test_keys_are_unique_and_not_empty():
    ClaimFactory(key="same")
    refused(key="same")
    refused(key="")


def test_one_evidence_link_per_claim_source_and_relation():
    evidence = EvidenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(claim=evidence.claim, source=evidence.source, relation=evidence.relation)
    EvidenceFactory(claim=evidence.claim, source=evidence.source, relation="context")


def test_evidence_relation_must_be_in_its_set():
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(relation="likes")


def test_source_urls_are_unique_after_normalisation():
    SourceFactory(url="https://Example.org/report/?utm_source=mail")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(url="https://example.org:443/report#p2")
    SourceFactory(url="")  # no URL: a print interview
    SourceFactory(url="")


def test_source_publication_precision_goes_with_the_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(published_precision="year")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(published_on=__import__("datetime").date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(kind="rumour")


TEXT = "Bilateral trade has grown, reaching approximately $245 billion annually by 2024."


def test_appearance_offsets_must_hold_the_quote_in_the_source_text():
    source = SourceFactory(text=TEXT)
    quote = "approximately $245 billion"
    start = TEXT.index(quote)
    appearance = AppearanceFactory(source=source, quote=quote, start_offset=start, end_offset=start + len(quote))
    assert Appearance.objects.get(pk=appearance.pk).end_offset == start + len(quote)
    with pytest.raises(IntegrityError), transaction.atomic():  # points at other words of the text
        AppearanceFactory(source=source, quote=quote, start_offset=0, end_offset=len(quote))
    with pytest.raises(IntegrityError), transaction.atomic():  # end isn't start + length of the quote
        AppearanceFactory(source=source, quote=quote, start_offset=start, end_offset=start + 3)
    with pytest.raises(IntegrityError), transaction.atomic():  # outside the text
        AppearanceFactory(source=source, quote=quote, start_offset=len(TEXT), end_offset=len(TEXT) + len(quote))
    with pytest.raises(IntegrityError), transaction.atomic():  # a source without text has no offsets
        AppearanceFactory(quote=quote, start_offset=0, end_offset=len(quote))
    with pytest.raises(IntegrityError), transaction.atomic():  # moving the quote off its offsets by an update
        Appearance.objects.filter(pk=appearance.pk).update(quote="approximately $246 billion")


def test_source_text_cannot_change_under_its_quotes():
    source = SourceFactory(text=TEXT)
    quote = "$245 billion"
    start = TEXT.index(quote)
    AppearanceFactory(source=source, quote=quote, start_offset=start, end_offset=start + len(quote))
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=source.pk).update(text=TEXT.replace("$245", "$254"))
    Source.objects.filter(pk=source.pk).update(text=TEXT + " More text after it.")


def test_offsets_count_characters_not_bytes():
    text = "Xi–Putin: “met over 42 times” — since 2013."
    source = SourceFactory(text=text)
    quote = "met over 42 times"
    start = text.index(quote)
    AppearanceFactory(source=source, quote=quote, start_offset=start, end_offset=start + len(quote))


def test_one_appearance_per_claim_and_source():
    appearance = AppearanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AppearanceFactory(claim=appearance.claim, source=appearance.source, quote="another quote")


def test_the_earliest_appearance_is_the_first():
    import datetime as dt

    from claims.models import first_appearance_of

    claim = ClaimFactory()
    undated = AppearanceFactory(claim=claim)
    later = AppearanceFactory(
        claim=claim, source=SourceFactory(published_on=dt.date(2025, 3, 1), published_precision="day")
    )
    earlier = AppearanceFactory(claim=claim, stated_on=dt.date(2024, 6, 1))
    assert first_appearance_of(claim.appearances.select_related("source")) == earlier
    earlier.delete()
    assert first_appearance_of(claim.appearances.select_related("source")) == later
    later.delete()
    assert first_appearance_of(claim.appearances.all()) == undated
    assert first_appearance_of([]) is None


def _count(claim) -> int:
    return Claim.objects.values_list("evidence_count", flat=True).get(pk=claim.pk)


def test_the_evidence_count_follows_every_kind_of_write():
    claim, other = ClaimFactory(), ClaimFactory()
    assert _count(claim) == 0
    first = EvidenceFactory(claim=claim)
    EvidenceFactory(claim=claim)
    assert _count(claim) == 2
    # Bulk writes (one statement for many rows) count as well as single saves.
    Evidence = type(first)
    Evidence.objects.bulk_create(
        [Evidence(claim=other, source=SourceFactory(), relation="context") for _ in range(3)]
        + [Evidence(claim=claim, source=SourceFactory(), relation="supports")]
    )
    assert (_count(claim), _count(other)) == (3, 3)
    Evidence.objects.filter(pk=first.pk).update(claim=other)  # moved to another claim
    assert (_count(claim), _count(other)) == (2, 4)
    Evidence.objects.filter(claim=other).update(excerpt="changed")  # an update that moves nothing
    assert (_count(claim), _count(other)) == (2, 4)
    Evidence.objects.filter(claim=other).delete()
    assert (_count(claim), _count(other)) == (2, 0)


def test_saving_a_claim_loaded_before_evidence_was_added_keeps_the_count():
    claim = ClaimFactory()
    stale = Claim.objects.get(pk=claim.pk)
    EvidenceFactory(claim=claim)
    stale.subject = "renamed"
    stale.save()
    assert _count(claim) == 1
    assert Claim.objects.get(pk=claim.pk).subject == "renamed"
    deferred = Claim.objects.only("id", "subject").get(pk=claim.pk)
    deferred.subject = "renamed again"
    deferred.save()
    assert (_count(claim), Claim.objects.get(pk=claim.pk).subject) == (1, "renamed again")
