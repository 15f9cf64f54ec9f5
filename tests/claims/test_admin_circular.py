"""Circular verification in the admin: the claim page's inlines (judged together, as the page will be saved), the
evidence's own page and the verdict buttons refuse evidence from a source the claim appears in as support."""

import pytest
from django.urls import reverse

from claims.models import Appearance, Claim, Evidence
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, SourceFactory

from .test_desk_admin import change_url, form_data, messages_of, transition

pytestmark = pytest.mark.django_db
EXCERPT = "Trade reached approximately $245 billion."


def formset_of(response, prefix):
    return next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == prefix
    )


def new_evidence(data, *, source, relation="supports", excerpt=EXCERPT) -> dict:
    n = int(data["evidence-TOTAL_FORMS"])
    row = {"source": source.pk, "relation": relation, "excerpt": excerpt, "locator": "", "source_value": ""}
    return {"evidence-TOTAL_FORMS": str(n + 1)} | {f"evidence-{n}-{name}": value for name, value in row.items()}


def new_appearance(data, *, source, quote="$245 billion") -> dict:
    n = int(data["appearances-TOTAL_FORMS"])
    row = {"source": source.pk, "quote": quote, "claimant": "", "stated_on": ""}
    return {"appearances-TOTAL_FORMS": str(n + 1)} | {f"appearances-{n}-{name}": value for name, value in row.items()}


def test_supporting_evidence_from_the_claims_own_article_is_refused_on_its_relation(client, fact_checker):
    article = SourceFactory(title="The reverse Kissinger <fantasy>")
    claim = ClaimFactory()
    AppearanceFactory(claim=claim, source=article)
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    response = client.post(change_url(claim), data | new_evidence(data, source=article))
    assert response.status_code == 200
    [row] = formset_of(response, "evidence").forms
    [error] = row.errors["relation"]
    assert error.startswith("The claim appears in “The reverse Kissinger <fantasy>”, so that source can't support")
    page = response.content.decode()
    assert "The claim appears in “The reverse Kissinger &lt;fantasy&gt;”" in page  # on the page, escaped
    assert EXCERPT in page  # the editor's input is kept
    assert not claim.evidence.exists() and Claim.objects.get(pk=claim.pk).version == 1
    # the same link as "cited" is welcome
    response = client.post(change_url(claim), data | new_evidence(data, source=article, relation="cited"))
    assert response.status_code == 302 and claim.evidence.get().relation == "cited"


def test_an_appearance_in_a_source_that_supports_the_claim_is_refused_on_its_source(client, fact_checker):
    claim = ClaimFactory()
    customs = EvidenceFactory(claim=claim, relation="contradicts", source=SourceFactory(title="Customs")).source
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    response = client.post(change_url(claim), data | new_appearance(data, source=customs))
    assert response.status_code == 200
    [row] = formset_of(response, "appearances").forms
    assert row.errors["source"] == [
        "“Customs” is evidence that contradicts this claim, so the claim can't appear in it: an article can't check "
        "what it states itself. Change that evidence to “cited” or “context” first."
    ]
    assert not claim.appearances.exists() and Claim.objects.get(pk=claim.pk).version == 1


def test_a_page_that_adds_the_appearance_and_its_sources_support_together_is_refused(client, fact_checker):
    claim = ClaimFactory()
    article = SourceFactory(title="The op-ed")
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    both = data | new_appearance(data, source=article) | new_evidence(data, source=article)
    response = client.post(change_url(claim), both)
    assert response.status_code == 200
    assert "The claim appears in “The op-ed”" in formset_of(response, "evidence").forms[0].errors["relation"][0]
    assert not formset_of(response, "appearances").forms[0].errors  # one refusal, on the evidence's row
    assert (claim.appearances.count(), claim.evidence.count()) == (0, 0)


def test_a_new_claim_with_its_article_as_support_is_refused(client, fact_checker):
    article = SourceFactory(title="The op-ed")
    client.force_login(fact_checker)
    url = reverse("admin:claims_claim_add")
    data = form_data(client.get(url)) | {
        "subject": "Defence budget", "claim_type": "current_value", "value": "86000000000", "unit": "USD",
        "qualifier": "over", "period": "2024", "key": "defence-2024",
    }  # fmt: skip
    response = client.post(url, data | new_appearance(data, source=article) | new_evidence(data, source=article))
    assert response.status_code == 200
    assert "The claim appears in “The op-ed”" in formset_of(response, "evidence").forms[0].errors["relation"][0]
    assert not Claim.objects.exists()


def test_a_page_may_turn_the_support_into_a_citation_and_add_the_appearance_in_one_save(client, fact_checker):
    claim = ClaimFactory()
    evidence = EvidenceFactory(claim=claim, relation="supports")
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    response = client.post(
        change_url(claim), data | {"evidence-0-relation": "cited"} | new_appearance(data, source=evidence.source)
    )
    assert response.status_code == 302, response.content[:3000]
    assert Evidence.objects.get(pk=evidence.pk).relation == "cited"
    assert claim.appearances.get().source_id == evidence.source_id
    # and the other way round: moving the appearance away lets the source support the claim
    data = form_data(client.get(change_url(claim)))
    response = client.post(
        change_url(claim), data | {"appearances-0-source": SourceFactory().pk, "evidence-0-relation": "supports"}
    )
    assert response.status_code == 302, response.content[:3000]
    assert Evidence.objects.get(pk=evidence.pk).relation == "supports"


def test_a_page_left_as_it_is_saves_despite_circular_evidence_linked_before_the_rule(client, fact_checker):
    claim = ClaimFactory()
    article = AppearanceFactory(claim=claim).source
    EvidenceFactory(claim=claim, source=article, relation="supports")  # existing data
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    assert client.post(change_url(claim), data | {"subject": "Renamed"}).status_code == 302
    response = client.post(change_url(claim), form_data(client.get(change_url(claim))) | {"evidence-0-locator": "p.2"})
    assert response.status_code == 200 and formset_of(response, "evidence").forms[0].errors["relation"]


def test_the_evidence_page_refuses_circular_support(client, fact_checker):
    claim = ClaimFactory()
    article = AppearanceFactory(claim=claim, source=SourceFactory(title="The op-ed")).source
    client.force_login(fact_checker)
    add = reverse("admin:claims_evidence_add")
    posted = {"claim": claim.pk, "source": article.pk, "relation": "supports", "excerpt": EXCERPT, "locator": "",
              "source_value": ""}  # fmt: skip
    response = client.post(add, posted)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["relation"][0].startswith("The claim appears in “The op-ed”")
    assert EXCERPT in response.content.decode() and not Evidence.objects.exists()
    assert client.post(add, posted | {"relation": "context"}).status_code == 302
    context = Evidence.objects.get()
    change = reverse("admin:claims_evidence_change", args=[context.pk])
    response = client.post(change, posted | {"relation": "contradicts"})
    assert response.status_code == 200 and "can&#x27;t contradict it" in response.content.decode()
    assert Evidence.objects.get().relation == "context"
    other = SourceFactory()
    assert client.post(change, posted | {"source": other.pk, "relation": "contradicts"}).status_code == 302
    assert (Evidence.objects.get().source_id, Evidence.objects.get().relation) == (other.pk, "contradicts")


def test_the_verdict_button_says_why_circular_evidence_doesnt_count(client, fact_checker):
    claim = ClaimFactory(status="in_review")
    article = AppearanceFactory(claim=claim, source=SourceFactory(title="The op-ed")).source
    EvidenceFactory(claim=claim, source=article, relation="supports")  # linked before the rule
    client.force_login(fact_checker)
    response = transition(client, claim, "verified", note="The article says so.")
    notes = " ".join(messages_of(response))
    assert "To mark a claim verified, first add evidence that supports or contradicts it from another source" in notes
    assert "the claim appears in “The op-ed”" in notes
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    assert Appearance.objects.filter(claim=claim).count() == 1
