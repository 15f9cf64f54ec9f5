"""The FilterSets build their form class once per class (factcheck.api.filtering.FilterSet); each request's form
is still its own: its data, its errors, its cleaned values."""

import pytest
from django.http import QueryDict

from claims.filters import ClaimFilter
from claims.models import Claim
from sources.filters import SourceFilter
from sources.models import Source

pytestmark = pytest.mark.django_db


def _filterset(cls, query, model):
    return cls(data=QueryDict(query), queryset=model.objects.all())


def test_one_form_class_per_filterset_class_and_a_form_per_request():
    good = _filterset(ClaimFilter, "status=verified&value_min=5", Claim)
    bad = _filterset(ClaimFilter, "status=maybe&value_min=x", Claim)
    again = _filterset(ClaimFilter, "status=false", Claim)
    assert type(good.form) is type(bad.form) is type(again.form)
    assert good.form is not bad.form
    assert not bad.is_valid() and set(bad.errors) == {"status", "value_min"}
    assert good.is_valid() and good.form.cleaned_data["status"] == ["verified"]
    assert again.is_valid() and again.form.cleaned_data["status"] == ["false"] and not again.errors
    # a field changed on one request's form stays on that form
    bad.form.fields["status"].label = "changed"
    assert _filterset(ClaimFilter, "", Claim).form.fields["status"].label != "changed"


def test_narrowed_and_other_filtersets_have_their_own_form_class():
    narrowed = ClaimFilter._narrowed(frozenset({"status"}))
    assert set(narrowed(data=QueryDict("status=verified")).form.fields) == {"status"}
    assert "unit" in _filterset(ClaimFilter, "", Claim).form.fields
    assert type(_filterset(SourceFilter, "q=trade", Source).form) is not type(_filterset(ClaimFilter, "", Claim).form)
    assert set(_filterset(SourceFilter, "q=trade", Source).form.fields) >= {"q", "url", "kind"}


def test_each_request_filters_by_its_own_values(claims):
    def pks(query):
        return set(ClaimFilter.apply(QueryDict(query), Claim.objects.all()).values_list("pk", flat=True))

    assert pks("status=verified") == {claims["verified"].pk}
    assert pks("status=false,in_review") == {claims["false"].pk, claims["in_review"].pk}
    assert pks("status=verified") == {claims["verified"].pk}
