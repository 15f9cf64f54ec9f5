"""Admin forms: the claim form with its version check, figure and period reading, appearance placement, evidence,
action forms.

The forms check the services' rules while validating (the version, the verdict lock, circular evidence), so
that a refusal is a form error on the page with the editor's input kept; the saves then go through
claims.services, which apply the same rules again under the claim's row lock (the admin's change view runs in one
transaction).

Figures are typed as people write them ("244.8 bn", "$3.5 billion", "over 40") and read by claims.quantities
(read_figure, read_source_value), whose docstrings give the rules; claims.admin.figures shows the reading.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from ..choices import DECISIVE_RELATIONS, RATING_BEST, RATING_SCALE_WORDS, RATING_WORST, VERDICTS, Status
from ..models import PUBLICATION_NOTE_MAX_LENGTH, VERDICT_NOTE_MAX_LENGTH, Appearance, Claim, Evidence
from ..periods import InvalidPeriod, parse_period
from ..quantities import format_quantity, read_figure, read_source_value
from ..quotes import QuoteNotFound, locate_quote
from ..selectors import assignable_users
from ..services import (
    StaleVersion,
    child_lock_problem,
    circular_appearance_problem,
    circular_evidence_problem,
    claim_lock,
    verdict_lock_problem,
)
from ..services.verdicts import Part
from .figures import FIGURE_FILLS, FIGURE_HELP, SOURCE_VALUE_HELP, FigureField, set_reading

# The claim form's amounts and the names claims.quantities.read_figure gives them.
FIGURE_INPUTS = {"value": "value", "lower_bound": "lower", "upper_bound": "upper"}


class ClaimAdminForm(forms.ModelForm):
    """Edits a claim. `expected_version` carries the version the editor loaded; a stale one is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    value = FigureField(figure="value", help_text=f"{FIGURE_HELP} {FIGURE_FILLS}")
    lower_bound = FigureField(figure="lower", help_text='In the claim\'s unit: "200 bn", "$200 billion".')
    upper_bound = FigureField(figure="upper", help_text='In the claim\'s unit: "300 bn", "$300 billion".')
    period = forms.CharField(
        required=False,
        max_length=40,
        help_text='"2024", "2024-05", "2025-05-08", "2013/2024", "2013/" (since), "/2024" (until), "1990s", '
        '"late 1980s", "early 1980s", "mid-1980s", "c. 1985", "as of 2024".',
    )

    class Meta:
        model = Claim
        fields = (
            "key",
            "subject",
            "claim_type",
            "value",
            "unit",
            "qualifier",
            "lower_bound",
            "upper_bound",
            "period",
            "assignee",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            claim = self.instance
            for name in FIGURE_INPUTS:
                qualifier = claim.qualifier if name == "value" else ""
                set_reading(self, name, format_quantity(getattr(claim, name), claim.unit, qualifier))
        assignee = self.fields.get("assignee")
        if isinstance(assignee, forms.ModelChoiceField):
            assignee.queryset = assignable_users()

    def clean_period(self) -> str:
        text = self.cleaned_data.get("period", "")
        try:
            return parse_period(text).label
        except InvalidPeriod as exc:
            raise ValidationError(str(exc)) from exc

    def _clean_figure(self, cleaned: dict[str, Any]) -> list[str]:
        """The figure as typed, read by claims.quantities.read_figure: the amounts become numbers, the unit and
        qualifier are filled from the text where left empty or exact, each problem an error of its field. Returns the
        fields the text changed beyond what their inputs show (a unit or qualifier filled in)."""
        if any(name in self.errors for name in (*FIGURE_INPUTS, "unit", "qualifier")):
            for name in FIGURE_INPUTS:
                cleaned.pop(name, None)  # text, not an amount: not for the model (the form is refused anyway)
                set_reading(self, name, "")  # not the stored figure's reading beside what was typed
            return []
        reading = read_figure(
            value=cleaned.get("value"),
            lower=cleaned.get("lower_bound"),
            upper=cleaned.get("upper_bound"),
            unit=cleaned.get("unit") or "",
            qualifier=cleaned.get("qualifier") or "",
        )
        cleaned.update(
            value=reading.value, lower_bound=reading.lower, upper_bound=reading.upper, unit=reading.unit,
            qualifier=reading.qualifier,
        )  # fmt: skip
        for name, field in FIGURE_INPUTS.items():
            set_reading(self, name, reading.display_of(field))
        fields = {field: name for name, field in FIGURE_INPUTS.items()} | {"unit": "unit", "qualifier": "qualifier"}
        for field, message in reading.problems:
            self.add_error(fields[field], message)
        return [name for name in ("unit", "qualifier") if name in cleaned and cleaned[name] != self.initial.get(name)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        filled = self._clean_figure(cleaned)
        if self.instance.pk:
            # The services' version check, which locks the row for the rest of the save (the admin's view runs
            # in one transaction); no version at all is no version of ours (0).
            try:
                locked = claim_lock(claim_id=self.instance.pk, expected_version=cleaned.get("expected_version") or 0)
            except StaleVersion as exc:
                raise ValidationError(
                    f"{exc.message} Your input is still in the form below: open the claim in a new tab to see the "
                    "other change.",
                    code="stale",
                ) from exc
            # The period as written may differ from its canonical text ("2013/.." is "2013/"): compare that.
            changed = [n for n in self.changed_data if n != "period" or cleaned.get("period") != locked.period]
            changed += [name for name in filled if name not in changed]
            problem = verdict_lock_problem(status=locked.status, changed=changed)
            if problem:
                raise ValidationError(problem, code="verdict_locked")
        return cleaned

    def _post_clean(self) -> None:
        if not self.errors.get("period"):
            self.instance.set_period(self.cleaned_data.get("period", ""))
        super()._post_clean()  # type: ignore[misc]  # ModelForm's, absent from the stubs
        if self.errors and self.instance.pk is not None:
            # A refused save: the page around the form (its title, the figure, the evidence's gaps against it) shows
            # the claim as stored, not the refused figure; the inputs keep what was typed.
            self.instance.refresh_from_db()


class AppearanceInlineForm(forms.ModelForm):
    """Places the quote in the source's text and stores its offsets (the importer's rule)."""

    class Meta:
        model = Appearance
        fields = ("source", "quote", "claimant", "stated_on")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source, quote = cleaned.get("source"), cleaned.get("quote")
        if source is not None and quote:
            try:
                start, end = locate_quote(source.text, quote)
            except QuoteNotFound as exc:
                raise ValidationError({"quote": exc.message}) from exc
            self.instance.start_offset, self.instance.end_offset = start, end
        return cleaned


@dataclass(frozen=True)
class PageRow:
    """An appearance or piece of evidence as the claim page will leave it."""

    source: object  # the Source (a stored row or a view-only form: its id)
    source_id: int
    relation: str  # "" for an appearance
    form: forms.ModelForm | None = None  # None: a stored row, not on the page
    written: bool = False  # the save writes the link: evidence added or changed, an appearance added or moved


class ClaimChildFormSet(BaseInlineFormSet):
    """An inline of the claim page (appearances or evidence): refuses, as a form error above the inline, the
    changes and deletions a standing verdict forbids (claims.services.child_lock_problem), and on the row's field
    the circular evidence the page would save (claims.services.circular). The page's appearances and evidence are
    judged together: a page that adds an appearance and, from its source, supporting evidence is refused."""

    what: Part = "appearance"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin gives the claim page's inlines one claim instance: through it each inline finds the other.
        self.instance.__dict__.setdefault("_page_formsets", {})[self.what] = self

    def page_rows(self) -> list[PageRow]:
        """The rows this inline will leave (deleted and empty ones left out); validates each form (once)."""
        rows = []
        for form in self.forms:
            form.errors  # noqa: B018 - validates the form (once) and sets its cleaned_data
            if form.instance.pk is None and not form.has_changed():
                continue  # an empty extra row
            if self.can_delete and self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            view_only = form.cleaned_data is form.initial  # the admin's rows the editor may not change
            source = form.initial.get("source") if view_only else form.cleaned_data.get("source")
            source_id = getattr(source, "pk", source)
            if source_id is None:
                continue  # an invalid row: its own error says why
            relation = str((form.initial if view_only else form.cleaned_data).get("relation") or "")
            changed = [] if view_only else form.changed_data if form.instance.pk is not None else ["source"]
            written = bool(changed) if self.what == "evidence" else "source" in changed
            rows.append(PageRow(source, int(source_id), relation, form, written))
        return rows

    def other_rows(self) -> list[PageRow]:
        """The other inline's rows as the page leaves them, or the claim's stored ones when it isn't shown."""
        other: Part = "evidence" if self.what == "appearance" else "appearance"
        sibling: ClaimChildFormSet | None = self.instance.__dict__.get("_page_formsets", {}).get(other)
        if sibling is not None and sibling.is_bound:
            return sibling.page_rows()
        if self.instance.pk is None:
            return []
        if other == "evidence":
            stored = Evidence.objects.filter(claim_id=self.instance.pk).values_list("source_id", "relation")
            return [PageRow(source_id, source_id, relation) for source_id, relation in stored]
        sources = Appearance.objects.filter(claim_id=self.instance.pk).values_list("source_id", flat=True)
        return [PageRow(source_id, source_id, "") for source_id in sources]

    def refuse_circular_evidence(self) -> None:
        """Mark this inline's rows that the circular rule refuses (each inline marks only its own rows, so that
        its validity is its own)."""

    def clean(self) -> None:
        super().clean()
        self.refuse_circular_evidence()
        claim = self.instance
        if claim.pk is None:
            return
        problems = []
        for form in self.initial_forms:
            if form.instance.pk is None:
                continue
            deleting = self.can_delete and self._should_delete_form(form)  # type: ignore[attr-defined]
            if not deleting and not form.has_changed():
                continue
            problem = child_lock_problem(
                what=self.what, status=claim.status, before=form.initial, changed=form.changed_data, deleting=deleting
            )
            if problem:
                problems.append(problem)
        if problems:
            raise ValidationError(list(dict.fromkeys(problems)), code="verdict_locked")


class AppearanceFormSet(ClaimChildFormSet):
    what = "appearance"

    def refuse_circular_evidence(self) -> None:
        """An appearance added or moved to a source whose evidence supports or contradicts the claim and stays as
        it is: refused on its source (evidence the page writes is refused on the evidence's own row)."""
        judging: dict[int, list[str]] = {}
        for row in self.other_rows():
            if not row.written and row.relation in DECISIVE_RELATIONS:
                judging.setdefault(row.source_id, []).append(row.relation)
        for row in self.page_rows():
            if row.written and row.form is not None and row.source_id in judging:
                problem = circular_appearance_problem(source=row.source, relations=judging[row.source_id])
                if problem:
                    row.form.add_error("source", problem)


class EvidenceFormSet(ClaimChildFormSet):
    what = "evidence"

    def refuse_circular_evidence(self) -> None:
        """Evidence added or changed while it supports or contradicts, from a source the page leaves an appearance
        in: refused on its relation."""
        appears_in = {row.source_id for row in self.other_rows()}
        for row in self.page_rows():
            if not row.written or row.form is None:
                continue
            problem = circular_evidence_problem(
                relation=row.relation, source=row.source, appears_in_source=row.source_id in appears_in
            )
            if problem:
                row.form.add_error("relation", problem)

    def _construct_form(self, i: int, **kwargs: Any) -> forms.BaseForm:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]  # BaseInlineFormSet's, absent from the stubs
        # Each row's claim is the page's claim, as edited (its unit reads the source's value): no query per row.
        if isinstance(form.instance, Evidence) and form.instance.claim_id in (None, self.instance.pk):
            form.instance.claim = self.instance
            if isinstance(form, SourceValueForm):
                form.show_stored_reading()
        return form


class SourceValueForm(forms.ModelForm):
    """Evidence's source value typed as written ("244.8 bn", "$244.8 billion"), read in its claim's unit
    (claims.quantities.read_source_value), the reading shown beside it."""

    source_value = FigureField(figure="source_value", help_text=SOURCE_VALUE_HELP)

    def claim_of(self, cleaned: dict[str, Any]) -> Claim | None:
        """The claim the evidence is for: the one chosen on the evidence's own page, else its claim (on the claim
        page, the page's claim as edited: EvidenceFormSet)."""
        claim = cleaned.get("claim")
        if isinstance(claim, Claim):
            return claim
        if self.instance.claim_id is not None or Evidence.claim.is_cached(self.instance):
            return self.instance.claim
        return None

    def show_stored_reading(self, *, with_unit: bool = False) -> None:
        """The stored source value's reading beside its input ("$244.8 bn"); `with_unit`: the claim's unit on the
        input too, for the live reading on the evidence's own page (the claim page has the claim's unit select)."""
        claim = self.claim_of({})
        if claim is not None:
            reading = "" if self.is_bound else format_quantity(self.instance.source_value, claim.unit)
            set_reading(self, "source_value", reading, unit=claim.unit if with_unit else None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "source_value" in self.errors:
            return cleaned
        claim = self.claim_of(cleaned)
        reading = read_source_value(cleaned.get("source_value"), claim_unit=claim.unit if claim else "")
        set_reading(self, "source_value", reading.display)
        if reading.problem:
            self.add_error("source_value", reading.problem)
        else:
            cleaned["source_value"] = reading.value
        return cleaned


class EvidenceInlineForm(SourceValueForm):
    """A piece of evidence on its claim's page."""

    class Meta:
        model = Evidence
        fields = ("source", "relation", "excerpt", "locator", "source_value")


class EvidenceAdminForm(SourceValueForm):
    """A piece of evidence on its own page: the verdict lock of its claim and the circular rule, checked as the
    claim page's inline does."""

    class Meta:
        model = Evidence
        fields = ("claim", "source", "relation", "excerpt", "locator", "source_value")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_stored_reading(with_unit=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        claim = cleaned.get("claim") if "claim" in self.fields else None
        claim_id = claim.pk if claim is not None else self.instance.claim_id
        source, relation = cleaned.get("source"), cleaned.get("relation", "")
        writes = self.instance.pk is None or self.has_changed()
        if writes and claim_id is not None and source is not None and relation in DECISIVE_RELATIONS:
            appears = Appearance.objects.filter(claim_id=claim_id, source_id=source.pk).exists()
            problem = circular_evidence_problem(relation=relation, source=source, appears_in_source=appears)
            if problem:
                self.add_error("relation", problem)
        if self.instance.pk:
            claim = Claim.objects.only("status").get(pk=self.instance.claim_id)
            problem = child_lock_problem(
                what="evidence", status=claim.status, before=self.initial, changed=self.changed_data
            )
            if problem:
                raise ValidationError(problem, code="verdict_locked")
        return cleaned


class TransitionForm(forms.Form):
    """The fields of a status move, posted by the buttons on the claim page and the bulk verdict actions."""

    to = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="For a verdict: its explanation in one or two sentences, as readers see it.",
    )
    textual_rating = forms.CharField(
        required=False, max_length=100, help_text='Leave empty for the default ("True", "False", "Misleading"…).'
    )
    rating_value = forms.IntegerField(
        required=False,
        min_value=RATING_WORST,
        max_value=RATING_BEST,
        help_text=f"{RATING_SCALE_WORDS}; leave empty for the verdict's default.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, help_text="Leave empty to unassign."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = assignable_users()


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    superseded_by = forms.IntegerField(
        required=False,
        help_text="The number of the claim that replaces this one, if any (as in its address: …/claim/123/).",
    )

    def clean_superseded_by(self) -> Claim | None:
        pk = self.cleaned_data.get("superseded_by")
        if pk is None:
            return None
        claim = Claim.objects.filter(pk=pk).first()
        if claim is None:
            raise ValidationError(f"There is no claim number {pk}.")
        return claim


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="A JSON, JSONL or CSV file in the desk's import format (linked above).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"{upload.name} is {upload.size:,} bytes; the import page takes files of at most {limit:,} bytes. "
                "Larger files are imported from the server's command line (manage.py import_claims)."
            )
        return upload


class PublicationForm(forms.Form):
    """Publishing, unpublishing or correcting a verdict, posted by the buttons of the claim page's publication
    panel (claims.services.publication)."""

    move = forms.ChoiceField(
        choices=[("publish", "Publish"), ("unpublish", "Unpublish"), ("correct", "Correct")], widget=forms.HiddenInput
    )
    note = forms.CharField(
        required=False,
        max_length=PUBLICATION_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Why: required to unpublish or correct; readers see it on the page (the correction log, the "
        "taken-down note).",
    )
    to = forms.ChoiceField(
        required=False,
        label="Corrected verdict",
        choices=[("", "Keep the verdict"), *[(s, Status(s).label) for s in VERDICTS]],
    )
    textual_rating = forms.CharField(required=False, max_length=100, label="Corrected textual rating")
    rating_value = forms.IntegerField(
        required=False, min_value=RATING_WORST, max_value=RATING_BEST, label="Corrected rating (1–5)"
    )
    verdict_note = forms.CharField(
        required=False,
        max_length=VERDICT_NOTE_MAX_LENGTH,
        label="Corrected explanation",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Leave empty to keep the explanation.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
