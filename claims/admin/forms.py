"""Admin forms: the claim form with its version check and period parsing, appearance placement, action forms."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from ..choices import RATING_BEST, RATING_WORST
from ..models import Appearance, Claim
from ..periods import InvalidPeriod, parse_period
from ..quotes import QuoteNotFound, locate_quote
from ..roles import ADMIN, FACT_CHECKER


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = (
                get_user_model()
                .objects.filter(Q(groups__name__in=[FACT_CHECKER, ADMIN]) | Q(is_superuser=True), is_active=True)
                .distinct()
                .order_by("username")
            )

    def clean_period(self):
        text = self.cleaned_data.get("period", "")
        try:
            return parse_period(text).label
        except InvalidPeriod as exc:
            raise ValidationError(str(exc)) from exc

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            expected = cleaned.get("expected_version")
            # Lock the row for the rest of the save (the admin view runs in one transaction), then compare.
            current = (
                Claim.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
            )
            if expected is None or current != expected:
                last = self.instance.history.order_by("-history_date").select_related("history_user").first()
                who = f" by {last.history_user.get_username()}" if last and last.history_user else ""
                when = f" at {last.history_date:%Y-%m-%d %H:%M} UTC" if last else ""
                raise ValidationError(
                    f"This claim was changed{who}{when} since you opened it, so your changes were NOT saved "
                    "(they are still in the form below). Open the claim again in a new tab to see the other "
                    "change, then re-apply yours.",
                    code="stale",
                )
        return cleaned

    def _post_clean(self):
        if not self.errors.get("period"):
            self.instance.set_period(self.cleaned_data.get("period", ""))
        super()._post_clean()


class AppearanceInlineForm(forms.ModelForm):
    """Places the quote in the source's text and stores its offsets (the importer's rule)."""

    class Meta:
        model = Appearance
        fields = ("source", "quote", "claimant", "stated_on")

    def clean(self):
        cleaned = super().clean()
        source, quote = cleaned.get("source"), cleaned.get("quote")
        if source is not None and quote:
            try:
                start, end = locate_quote(source.text, quote)
            except QuoteNotFound as exc:
                raise ValidationError({"quote": exc.message}) from exc
            self.instance.start_offset, self.instance.end_offset = start, end
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(Q(groups__name__in=[FACT_CHECKER, ADMIN]) | Q(is_superuser=True), is_active=True)
            .distinct()
            .order_by("username")
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    superseded_by = forms.IntegerField(required=False, help_text="Id of the claim that replaces this one, if any.")

    def clean_superseded_by(self):
        pk = self.cleaned_data.get("superseded_by")
        if pk is None:
            return None
        claim = Claim.objects.filter(pk=pk).first()
        if claim is None:
            raise ValidationError(f"There is no claim {pk}.")
        return claim


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="JSON, JSONL or CSV in the import format (docs/import-format.md).")
