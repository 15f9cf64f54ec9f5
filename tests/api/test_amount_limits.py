"""The amount limits (claims.quantities: AMOUNT_MAX_DIGITS, AMOUNT_DECIMAL_PLACES, amount_problem): one rule, and the
API, the importer and the database columns accept and refuse the same figures."""

from decimal import Decimal

import pytest

from claims.importers.errors import FieldError
from claims.importers.records import claim_record
from claims.models import Claim, Evidence
from claims.quantities import AMOUNT_DECIMAL_PLACES, AMOUNT_DIGITS_BEFORE_POINT, AMOUNT_MAX_DIGITS, amount_problem

from .conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"
NEW = {"subject": "Trade", "claim_type": "current_value", "unit": "count", "period": "2024"}

LARGEST = "9" * AMOUNT_DIGITS_BEFORE_POINT + "." + "9" * AMOUNT_DECIMAL_PLACES
FIGURES = [
    # (figure, fits)
    (LARGEST, True),
    ("1" + "0" * AMOUNT_DIGITS_BEFORE_POINT, False),  # 10^24: one digit too many before the point
    ("0.000001", True),
    ("0.0000001", False),  # a seventh decimal place
    ("1.5000000", True),  # zeros past the sixth place change nothing
    ("-" + LARGEST, True),
]


def test_the_model_columns_take_the_limits():
    for model, name in ((Claim, "value"), (Claim, "lower_bound"), (Claim, "upper_bound"), (Evidence, "source_value")):
        field = model._meta.get_field(name)
        assert (field.max_digits, field.decimal_places) == (AMOUNT_MAX_DIGITS, AMOUNT_DECIMAL_PLACES)


@pytest.mark.parametrize(("figure", "fits"), FIGURES)
def test_the_api_and_the_importer_accept_and_refuse_the_same_figures(fact_checker, figure, fits):
    problem = amount_problem(Decimal(figure))
    assert (problem is None) == fits

    if fits:
        assert claim_record(NEW | {"value": figure})["value"] == Decimal(figure)
    else:
        with pytest.raises(FieldError) as refused:
            claim_record(NEW | {"value": figure})
        assert (refused.value.field, refused.value.message) == ("value", problem)

    response = client_for(fact_checker).post(URL, NEW | {"value": figure}, format="json")
    if fits:
        assert response.status_code == 201, response.json()
        stored = Claim.objects.get(pk=response.json()["id"])
        assert stored.value == Decimal(figure)
    else:
        assert response.status_code == 400
        assert response.json()["fields"]["value"] == [problem]
        assert not Claim.objects.exists()
