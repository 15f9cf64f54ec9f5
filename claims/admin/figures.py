"""Figures in the admin: typed as people write them, shown as people read them.

- FigureField: an amount's input. It shows a stored amount as people read it ("244.8 bn", never the column's
  "244800000000.000000") and hands the text to the form, which reads it with claims.quantities (read_figure,
  read_source_value): "$3.5 billion", "over 40", "42%", "108 million tonnes".
- FigureInput: its widget, with the reading beside it ("≈ $244.8 bn"): written by the form after a failed
  validation (and from the stored figure), updated while typing by claims/static/claims/figure_reading.js, which asks
  figure_reading below.
- figure_reading: the staff-only JSON answer to "how is this read?", from the same functions the forms use.
- ClaimAmountsAsRead, EvidenceAmountsAsRead: read-only amounts (a user who may only view) shown as people read them.

No figure is parsed or formatted here: claims.quantities owns both.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..models import Claim, Evidence
from ..quantities import (
    InvalidQuantity,
    amount_text,
    format_gap,
    format_quantity,
    parse_quantity,
    read_figure,
    read_source_value,
)

FIGURE_HELP = 'As written: "244.8 bn", "$3.5 billion", "over 40", "42%", "1.2 trillion yuan", "108 million tonnes".'
FIGURE_FILLS = "A unit or qualifier written here fills the unit left empty or the qualifier left exact."
SOURCE_VALUE_HELP = 'The source\'s figure, in the claim\'s unit: "244.8 bn", "$244.8 billion".'
FIGURE_FIELDS = ("value", "lower", "upper")  # the claim's amounts, as claims.quantities.read_figure names them


class FigureInput(forms.TextInput):
    """A text input for an amount, followed by how it is read. `reading` and `unit` are set per form."""

    template_name = "admin/claims/widgets/figure_input.html"

    def __init__(self, *, figure: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"size": 18, "autocomplete": "off", **(attrs or {})})
        self.figure = figure  # value, lower, upper or source_value: what the reading endpoint is asked about
        self.reading = ""
        self.unit: str | None = None  # the claim's unit, for evidence on its own page (the claim page has a select)

    class Media:
        js = ("claims/figure_reading.js",)
        css = {"all": ("claims/figure_reading.css",)}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-figure"] = self.figure
        widget_attrs["data-reading-url"] = reverse("admin:claims_figure_reading")
        if self.unit is not None:
            widget_attrs["data-unit"] = self.unit
        context["widget"]["reading"] = self.reading
        return context


class FigureField(forms.CharField):
    """An amount typed as text; the form reads it (claims.quantities) together with the unit and qualifier."""

    def __init__(self, *, figure: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", FIGURE_HELP)
        super().__init__(widget=FigureInput(figure=figure), **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return amount_text(value)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Changed when the number typed differs from the stored one ("244.8 bn" for 244800000000 is no change)."""
        text = (data or "").strip()
        if not text:
            return initial is not None
        try:
            typed = parse_quantity(text, default_unit="", default_qualifier="").value
        except InvalidQuantity:
            return True
        return initial is None or typed != Decimal(initial)


def set_reading(form: forms.BaseForm, name: str, reading: str, *, unit: str | None = None) -> None:
    """Write the reading beside an amount's input (and, for evidence on its own page, the claim's unit it is in)."""
    widget = form.fields[name].widget
    if isinstance(widget, FigureInput):
        widget.reading = reading
        if unit is not None:
            widget.unit = unit


@require_GET
def figure_reading(request: HttpRequest) -> JsonResponse:
    """How the admin reads what is typed, before it is saved: {field: {"reading": "≈ $244.8 bn", "error": ""}}.

    A claim's figure: ?value=&lower=&upper=&unit=&qualifier= (as its form sends them) answers value, lower, upper,
    unit and qualifier, and "figure" for the whole. Evidence: ?source_value=&unit= (the claim's unit), or &claim=
    (its id, on the evidence's add page, where the claim is being chosen).
    """
    params = request.GET
    if "source_value" in params:
        unit = params.get("unit", "")
        if "unit" not in params and params.get("claim", "").isdigit():
            unit = Claim.objects.filter(pk=int(params["claim"])).values_list("unit", flat=True).first() or ""
        amount = read_source_value(params["source_value"], claim_unit=unit)
        return JsonResponse({"source_value": {"reading": amount.display, "error": amount.problem}})
    reading = read_figure(
        value=params.get("value", ""),
        lower=params.get("lower", ""),
        upper=params.get("upper", ""),
        unit=params.get("unit", ""),
        qualifier=params.get("qualifier", ""),
    )
    answer: dict[str, Any] = {
        field: {"reading": reading.display_of(field), "error": reading.problem_of(field)}
        for field in (*FIGURE_FIELDS, "unit", "qualifier")
    }
    answer["figure"] = reading.display
    return JsonResponse(answer)


# --- read-only amounts --------------------------------------------------------------------------------------------
def _swapped(fields: Any, names: dict[str, str]) -> Any:
    if isinstance(fields, (list, tuple)):
        return type(fields)(_swapped(field, names) for field in fields)
    return names.get(fields, fields)


class AmountsAsRead:
    """For a ModelAdmin or inline whose amounts a user may only view: Django would show the column's padded
    "244800000000.000000"; the fieldsets name a display method instead, which shows "$244.8 bn"."""

    amounts_as_read: dict[str, str] = {}  # an amount's model field -> the display method shown when it is read-only

    def _amounts_editable(self, request: HttpRequest, obj: Any) -> bool:
        if isinstance(self, InlineModelAdmin):
            # An inline's fieldsets serve its new rows too: only when none can be added is every row read-only.
            return self.has_change_permission(request, obj) or self.has_add_permission(request, obj)
        return obj is None or self.has_change_permission(request, obj)  # type: ignore[attr-defined]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if self._amounts_editable(request, obj):
            return fieldsets
        return [(title, {**options, "fields": _swapped(options["fields"], self.amounts_as_read)})
                for title, options in fieldsets]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return (*readonly, *(name for name in self.amounts_as_read.values() if name not in readonly))


class ClaimAmountsAsRead(AmountsAsRead):
    amounts_as_read = {"value": "value_as_read", "lower_bound": "lower_bound_as_read",
                       "upper_bound": "upper_bound_as_read"}  # fmt: skip

    @admin.display(description="value")
    def value_as_read(self, obj: Claim) -> str:
        return format_quantity(obj.value, obj.unit, obj.qualifier) or "—"

    @admin.display(description="lower bound")
    def lower_bound_as_read(self, obj: Claim) -> str:
        return format_quantity(obj.lower_bound, obj.unit) or "—"

    @admin.display(description="upper bound")
    def upper_bound_as_read(self, obj: Claim) -> str:
        return format_quantity(obj.upper_bound, obj.unit) or "—"


def source_value_as_read(evidence: Evidence) -> str:
    """The source's figure in its claim's unit: "$244.8 bn"; "—" for none."""
    if evidence.source_value is None:
        return "—"
    return format_quantity(evidence.source_value, evidence.claim.unit)


def gap_as_read(evidence: Evidence) -> str:
    """The claim's figure against the source's: "+0.1 %"; "—" when there is none."""
    return format_gap(evidence.gap_percent() if evidence.pk else None) or "—"


class EvidenceAmountsAsRead(AmountsAsRead):
    amounts_as_read = {"source_value": "source_value_as_read"}

    @admin.display(description="source value", ordering="source_value")
    def source_value_as_read(self, obj: Evidence) -> str:
        return source_value_as_read(obj)
