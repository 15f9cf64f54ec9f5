"""`{% load figures %}`: amounts in templates as people read them (claims.quantities).

    {{ old|as_read }}  244800000000.000000 -> "244.8 bn"; anything that isn't an amount is left as it is

The claim page's history shows a figure's changes with it ("value: 245 bn → 244.8 bn"), not the column's padding.
"""

from decimal import Decimal

from django import template

from claims.quantities import amount_text

register = template.Library()


@register.filter
def as_read(value: object) -> object:
    return amount_text(value) if isinstance(value, Decimal) else value
