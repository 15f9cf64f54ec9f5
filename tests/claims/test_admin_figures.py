"""Figures in the admin: typed as people write them ("244.8 bn", "$3.5 billion", "over 40"), read by the one quantity
parser (claims.quantities), shown back before saving, and shown as people read them everywhere (claims.admin.figures).
"""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, Evidence
from tests.claims.test_desk_admin import form_data
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db
D = Decimal
READING_URL = "/admin/claims/claim/figure-reading/"


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def add_claim(client, **figure):
    data = form_data(client.get(reverse("admin:claims_claim_add")))
    data |= {"key": "typed", "subject": "Trade", "claim_type": "current_value", "period": "2024", **figure}
    return client.post(reverse("admin:claims_claim_add"), data)


def errors_of(response) -> dict:
    return {name: " ".join(errors) for name, errors in response.context["adminform"].form.errors.items()}


ADDED = [
    # (value, unit chosen, qualifier chosen) -> (value, unit, qualifier, as the list shows it)
    (("$3.5 billion", "", "exact"), (D("3500000000"), "USD", "exact", "$3.5 bn")),
    (("over 40", "", "exact"), (D("40"), "count", "over", "> 40")),
    (("42%", "", "exact"), (D("42"), "percent", "exact", "42 %")),
    (("1.2 trillion yuan", "", "exact"), (D("1200000000000"), "CNY", "exact", "CNY 1.2 tn")),
    (("2,500", "people", "exact"), (D("2500"), "people", "exact", "2,500 people")),
    (("108 million tonnes", "", "approximately"), (D("108000000"), "tonnes", "approximately", "≈ 108 m tonnes")),
    (("244.8 bn", "USD", "approximately"), (D("244800000000"), "USD", "approximately", "≈ $244.8 bn")),
    (("244800000000", "USD", "exact"), (D("244800000000"), "USD", "exact", "$244.8 bn")),
]


@pytest.mark.parametrize(("typed", "stored"), ADDED)
def test_a_claim_is_added_with_its_figure_as_written(client, fact_checker, typed, stored):
    client.force_login(fact_checker)
    value, unit, qualifier = typed
    response = add_claim(client, value=value, unit=unit, qualifier=qualifier)
    assert response.status_code == 302, errors_of(response)
    claim = Claim.objects.get(key="typed")
    assert (claim.value, claim.unit, claim.qualifier, claim.display_quantity) == stored


def test_bounds_are_written_as_figures_too(client, fact_checker):
    client.force_login(fact_checker)
    response = add_claim(client, value="about $245 bn", lower_bound="200 bn", upper_bound="$300 billion", unit="")
    assert response.status_code == 302, errors_of(response)
    claim = Claim.objects.get(key="typed")
    assert (claim.value, claim.lower_bound, claim.upper_bound, claim.unit, claim.qualifier) == (
        D("245000000000"),
        D("200000000000"),
        D("300000000000"),
        "USD",
        "approximately",
    )


REFUSED = [
    # (typed, the field with the error, words of its message)
    ({"value": "$3.5 billion", "unit": "EUR"}, "unit", ["Euros", "US dollars", "“$3.5 billion”"]),
    ({"value": "over 40", "unit": "count", "qualifier": "approximately"}, "qualifier", ["approximately", "over"]),
    ({"value": "$3.5 bn", "lower_bound": "€3 bn"}, "lower_bound", ["US dollars", "Euros", "“€3 bn”"]),
    ({"value": "3.5 bn", "unit": "USD", "upper_bound": "£4 bn"}, "upper_bound", ["US dollars", "Pounds sterling"]),
    ({"value": "40", "unit": "count", "lower_bound": "over 30"}, "lower_bound", ["without a qualifier"]),
    ({"value": "42 bananas", "unit": "count"}, "value", ["don't know the unit 'bananas'"]),
    ({"value": "108 million tons"}, "value", ['write "tonnes"']),
    ({"value": "140%"}, "value", ["outside 0–100"]),  # the model's rules still apply to the figure read
    ({"value": "5 bn", "lower_bound": "6 bn", "unit": "USD"}, "lower_bound", ["above the value"]),
]


@pytest.mark.parametrize(("typed", "field", "words"), REFUSED)
def test_a_figure_that_contradicts_itself_is_an_error_on_the_field_to_fix(client, fact_checker, typed, field, words):
    client.force_login(fact_checker)
    response = add_claim(client, **{"unit": "", "qualifier": "exact", **typed})
    assert response.status_code == 200
    errors = errors_of(response)
    assert field in errors, errors
    for word in words:
        assert word in errors[field]
    assert not Claim.objects.exists()
    page = response.content.decode()
    assert f'value="{typed["value"]}"' in page  # the typed text is kept


def test_without_javascript_the_page_shows_how_the_figure_was_read_after_a_refusal(client, fact_checker):
    client.force_login(fact_checker)
    response = add_claim(client, value="about 244.8 bn", unit="USD", lower_bound="200 bn", period="someday")
    assert response.status_code == 200 and "period" in errors_of(response)
    page = response.content.decode()
    assert 'id="id_value_reading" aria-live="polite">≈ $244.8 bn</output>' in page
    assert 'id="id_lower_bound_reading" aria-live="polite">$200 bn</output>' in page
    assert "claims/figure_reading.js" in page  # the live reading, for browsers that run it


def test_a_stored_figure_is_shown_as_people_read_it_and_saved_back_unchanged(client, fact_checker):
    claim = ClaimFactory(value=D("244800000000"), lower_bound=D("200000000000"), unit="USD", qualifier="approximately")
    client.force_login(fact_checker)
    page = client.get(change_url(claim))
    text = page.content.decode()
    assert 'name="value" value="244.8 bn"' in text and 'name="lower_bound" value="200 bn"' in text
    assert "244800000000.000000" not in text and "200000000000.000000" not in text
    assert 'id="id_value_reading" aria-live="polite">≈ $244.8 bn</output>' in text
    response = client.post(change_url(claim), form_data(page))
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.value, stored.lower_bound, stored.unit, stored.qualifier) == (
        D("244800000000"),
        D("200000000000"),
        "USD",
        "approximately",
    )
    # "244.8 bn" for 244800000000 is no change: the admin's log of the save names no field.
    assert LogEntry.objects.get(object_id=str(claim.pk)).get_change_message() == "No fields changed."


def test_a_three_zero_slip_shows_in_the_reading_and_saves_what_was_typed(client, fact_checker):
    claim = ClaimFactory(value=D("244800000000"), unit="USD", qualifier="exact")
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim))) | {"value": "244800000"}
    assert client.post(change_url(claim), data).status_code == 302
    assert Claim.objects.get(pk=claim.pk).display_quantity == "$244.8 m"


def test_a_qualifier_written_in_the_value_is_a_change_the_verdict_lock_sees(client, fact_checker):
    claim = ClaimFactory(value=D("245000000000"), unit="USD", qualifier="exact", status="verified")
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim))) | {"value": "over 245 bn"}
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "its verdict rests on qualifier" in " ".join(response.context["adminform"].form.non_field_errors())
    assert Claim.objects.get(pk=claim.pk).qualifier == "exact"


# --- evidence -------------------------------------------------------------------------------------------------
def test_evidence_on_the_claim_page_takes_the_source_value_as_written(client, fact_checker):
    evidence = EvidenceFactory(claim=ClaimFactory(value=D("245000000000"), unit="USD"), source_value=None)
    client.force_login(fact_checker)
    page = client.get(change_url(evidence.claim))
    data = form_data(page) | {"evidence-0-source_value": "$244.8 billion"}
    response = client.post(change_url(evidence.claim), data)
    assert response.status_code == 302
    assert Evidence.objects.get(pk=evidence.pk).source_value == D("244800000000")
    text = client.get(change_url(evidence.claim)).content.decode()
    assert 'name="evidence-0-source_value" value="244.8 bn"' in text and "244800000000.000000" not in text
    assert ">$244.8 bn</output>" in text and "+0.1 %" in text  # the reading and the gap, as people read them


def test_evidence_in_another_unit_than_its_claim_is_refused_naming_both(client, fact_checker):
    evidence = EvidenceFactory(claim=ClaimFactory(unit="USD"), source_value=None)
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(evidence.claim))) | {"evidence-0-source_value": "€244.8 bn"}
    response = client.post(change_url(evidence.claim), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.forms[0].errors
    assert "is in Euros, but the claim's unit is US dollars" in " ".join(errors["source_value"])
    assert Evidence.objects.get(pk=evidence.pk).source_value is None


def test_evidence_is_read_in_the_unit_the_claim_is_given_in_the_same_save(client, fact_checker):
    evidence = EvidenceFactory(claim=ClaimFactory(value=D("5"), unit="count", qualifier="exact"), source_value=None)
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(evidence.claim)))
    data |= {"value": "€5 bn", "unit": "", "evidence-0-source_value": "€4.9 bn"}
    response = client.post(change_url(evidence.claim), data)
    assert response.status_code == 302, errors_of(response)
    stored = Evidence.objects.select_related("claim").get(pk=evidence.pk)
    assert (stored.claim.unit, stored.claim.value, stored.source_value) == ("EUR", D("5000000000"), D("4900000000"))


def test_evidence_on_its_own_page_and_in_its_list(client, fact_checker):
    evidence = EvidenceFactory(claim=ClaimFactory(unit="USD"), source_value=D("244800000000"))
    client.force_login(fact_checker)
    url = reverse("admin:claims_evidence_change", args=[evidence.pk])
    page = client.get(url)
    text = page.content.decode()
    assert 'value="244.8 bn"' in text and 'data-unit="USD"' in text and "244800000000.000000" not in text
    data = {name: page.context["adminform"].form[name].value() or "" for name in page.context["adminform"].form.fields}
    response = client.post(url, data | {"source_value": "€1 bn"})
    assert response.status_code == 200
    assert "the claim's unit is US dollars" in " ".join(response.context["adminform"].form.errors["source_value"])
    assert client.post(url, data | {"source_value": "$245 billion"}).status_code == 302
    assert Evidence.objects.get(pk=evidence.pk).source_value == D("245000000000")
    listed = client.get(reverse("admin:claims_evidence_changelist")).content.decode()
    assert "$245 bn" in listed and "245000000000.000000" not in listed


# --- who may only read ------------------------------------------------------------------------------------------
def test_a_reader_sees_amounts_as_people_read_them(client, journalist):
    claim = ClaimFactory(value=D("245000000000"), lower_bound=D("200000000000"), unit="USD", qualifier="approximately")
    evidence = EvidenceFactory(claim=claim, source_value=D("244800000000"))
    client.force_login(journalist)
    text = client.get(change_url(claim)).content.decode()
    assert "≈ $245 bn" in text and "$200 bn" in text and "$244.8 bn" in text and "+0.1 %" in text
    assert ".000000" not in text
    own = client.get(reverse("admin:claims_evidence_change", args=[evidence.pk])).content.decode()
    assert "$244.8 bn" in own and ".000000" not in own


def test_the_claim_page_reads_its_evidence_in_the_claims_unit_without_a_query_per_row(client, fact_checker):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    client.force_login(fact_checker)

    def claim_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(change_url(claim)).status_code == 200
        return sum('FROM "claims_claim"' in query["sql"] for query in captured.captured_queries)

    one = claim_queries()
    EvidenceFactory.create_batch(5, claim=claim)
    assert claim_queries() == one  # each row's source value and gap read the page's claim


# --- the reading, before saving -----------------------------------------------------------------------------------
def test_the_reading_endpoint_answers_as_the_form_reads(client, fact_checker):
    client.force_login(fact_checker)
    answer = client.get(READING_URL, {"value": "about 244.8 bn", "lower": "200 bn", "unit": "USD", "qualifier": ""})
    assert answer.status_code == 200
    body = answer.json()
    assert body["value"] == {"reading": "≈ $244.8 bn", "error": ""}
    assert body["lower"] == {"reading": "$200 bn", "error": ""}
    assert body["figure"] == "≈ $244.8 bn ($200 bn–…)"
    refused = client.get(READING_URL, {"value": "$3.5 billion", "unit": "EUR"}).json()
    assert refused["value"]["reading"] == "" and "Euros" in refused["unit"]["error"]
    evidence = client.get(READING_URL, {"source_value": "244.8 bn", "unit": "USD"}).json()
    assert evidence == {"source_value": {"reading": "$244.8 bn", "error": ""}}
    assert "Euros" in client.get(READING_URL, {"source_value": "€1", "unit": "USD"}).json()["source_value"]["error"]
    chosen = ClaimFactory(unit="EUR")  # the evidence's add page: the claim being chosen gives the unit
    assert client.get(READING_URL, {"source_value": "€1 bn", "claim": chosen.pk}).json()["source_value"] == {
        "reading": "€1 bn",
        "error": "",
    }


def test_the_reading_endpoint_is_for_the_desk_only_and_reads_only(client, fact_checker, django_user_model):
    assert client.get(READING_URL, {"value": "5"}).status_code == 302  # to the admin's login
    outsider = django_user_model.objects.create_user("outsider", password="pw-outsider-1")
    client.force_login(outsider)
    assert client.get(READING_URL, {"value": "5"}).status_code == 302
    client.force_login(fact_checker)
    assert client.post(READING_URL, {"value": "5"}).status_code == 405
