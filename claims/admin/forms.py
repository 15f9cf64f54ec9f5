"""Admin forms: the claim form with its version check and period parsing, appearance placement, action forms.

The forms check the services' rules while validating (the version, the verdict lock), so that a refusal is a
form error on the page with the editor's input kept; the saves then go through claims.services, which apply the
same rules again under the claim's row lock (the admin's change view runs in one transaction).
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet

from ..choices import RATING_BEST, RATING_WORST
from ..models import Appearance, Claim, Evidence
from ..periods import InvalidPeriod, parse_period
from ..quotes import QuoteNotFound, locate_quote
from ..roles import ADMIN, FACT_CHECKER
from ..services import StaleVersion, child_lock_problem, claim_lock, verdict_lock_problem
from ..services.verdicts import Part


class ClaimAdminForm(forms.ModelForm):
    """Edits a claim. `expected_version` carries the version the editor loaded; a stale one is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    period = forms.CharField(
        required=False,
        max_length=40,
        help_text='"2024", "2024-05", "2025-05-08", "2013/2024", "2013/" (since), "/2024" (until), "1990s", '
        '"as of 2024".',
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
        assignee = self.fields.get("assignee")
        if isinstance(assignee, forms.ModelChoiceField):
            assignee.queryset = (
                get_user_model()
                .objects.filter(Q(groups__name__in=[FACT_CHECKER, ADMIN]) | Q(is_superuser=True), is_active=True)
                .distinct()
                .order_by("username")
            )

    def clean_period(self) -> str:
        text = self.cleaned_data.get("period", "")
        try:
            return parse_period(text).label
        except InvalidPeriod as exc:
            raise ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
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


class ClaimChildFormSet(BaseInlineFormSet):
    """An inline of the claim page (appearances or evidence): refuses, as a form error above the inline, the
    changes and deletions a standing verdict forbids (claims.services.child_lock_problem)."""

    what: Part = "appearance"

    def clean(self) -> None:
        super().clean()
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


class EvidenceFormSet(ClaimChildFormSet):
    what = "evidence"


class EvidenceAdminForm(forms.ModelForm):
    """A piece of evidence on its own page: the verdict lock of its claim, checked as the claim page's inline does."""

    class Meta:
        model = Evidence
        fields = ("claim", "source", "relation", "excerpt", "locator", "source_value")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
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
        help_text="1 (false) … 5 (true); leave empty for the default.",
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
        assignee.queryset = (
            get_user_model()
            .objects.filter(Q(groups__name__in=[FACT_CHECKER, ADMIN]) | Q(is_superuser=True), is_active=True)
            .distinct()
            .order_by("username")
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    superseded_by = forms.IntegerField(required=False, help_text="Id of the claim that replaces this one, if any.")

    def clean_superseded_by(self) -> Claim | None:
        pk = self.cleaned_data.get("superseded_by")
        if pk is None:
            return None
        claim = Claim.objects.filter(pk=pk).first()
        if claim is None:
            raise ValidationError(f"There is no claim {pk}.")
        return claim


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="JSON, JSONL or CSV in the import format (docs/import-format.md).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"{upload.name} is {upload.size:,} bytes; the import page takes files of at most {limit:,} bytes "
                "(IMPORT_UPLOAD_MAX_BYTES). Import larger files with manage.py import_claims."
            )
        return upload
