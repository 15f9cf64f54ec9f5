"""Write serializers refuse what they don't know: a body field that no field of the serializer reads is a 400
naming it (a typo such as `verdcit_note` would otherwise be dropped without a word, and the write would succeed).

And they take JSON's types as the schema writes them: a text field wants a string, a whole-number field (ids
included) a number; DRF would read 5 as "5" and "5" as 5, so that a body the schema calls invalid is saved.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

MAX_NAMED = 20  # unknown fields named in one answer; a body with thousands of them gets the first ones


class KnownFieldsMixin:
    """Put before the serializer base class: unknown body fields are a 400, each with `unknown_field_message`."""

    fields: Any  # the serializer's

    def unknown_field_message(self, name: str) -> str:
        writable = ", ".join(name for name, field in self.fields.items() if not field.read_only)
        return f"is not a field here; the fields: {writable}"

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = [name for name in data if name not in self.fields or self.fields[name].read_only]
            if unknown:
                problems = {str(name)[:100]: [self.unknown_field_message(str(name))] for name in unknown[:MAX_NAMED]}
                if len(unknown) > MAX_NAMED:
                    problems["…"] = [f"and {len(unknown) - MAX_NAMED} more unknown fields"]
                raise serializers.ValidationError(problems)
            wrong = {
                name: [problem] for name, value in data.items() if (problem := _type_problem(self.fields[name], value))
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)  # type: ignore[misc]


def _type_problem(field: serializers.Field, value: Any) -> str | None:
    """What is wrong with the JSON type of `value` for `field` (None and the field's own checks aside)."""
    if value is None:
        return None
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return f"must be text (a JSON string), not {type(value).__name__} {str(value)[:40]}"
    if isinstance(field, (serializers.IntegerField, serializers.PrimaryKeyRelatedField)):
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole:
            return f"must be a whole number (a JSON number), not {str(value)[:40]!r}"
    return None
