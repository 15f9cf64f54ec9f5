"""Claims, where they were stated (appearances) and what bears on them (evidence)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from simple_history.models import HistoricalRecords

from sources.choices import DatePrecision
from sources.models import Source

from .appearances import appearance_date, first_appearance
from .choices import (
    RATING_BEST,
    RATING_SCALE_WORDS,
    RATING_WORST,
    VERDICTS,
    ClaimType,
    EvidenceRelation,
    Qualifier,
    Status,
    Unit,
)
from .periods import Period, describe_period, parse_period, period_fields
from .quantities import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS, format_quantity, gap_percent, quantity_problems

AMOUNT: dict[str, Any] = {
    "max_digits": AMOUNT_MAX_DIGITS,
    "decimal_places": AMOUNT_DECIMAL_PLACES,
    "null": True,
    "blank": True,
}


# The longest texts a claim, appearance or piece of evidence holds (characters). A TextField's max_length alone only
# sizes the admin's textarea: the validator makes every writer's full_clean() (claims.services) refuse more, and the
# API's serializers take the limit from the field (their schema shows it as maxLength).
VERDICT_NOTE_MAX_LENGTH = 5000
WITHDRAWAL_REASON_MAX_LENGTH = 5000
QUOTE_MAX_LENGTH = 2000
EXCERPT_MAX_LENGTH = 5000
PUBLICATION_NOTE_MAX_LENGTH = 2000


def _limited_text(limit: int, **kwargs: Any) -> "models.TextField[str, str]":
    return models.TextField(max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs)


def _within(field: str, low: int, high: int) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})


def _ordered(low: str, high: str) -> Q:
    return Q(**{f"{low}__isnull": True}) | Q(**{f"{high}__isnull": True}) | Q(**{f"{low}__lte": F(high)})


class Claim(models.Model):
    """One checkable proposition, with its figure structured so that it can be compared and filtered.

    `key` is the claim's stable natural key: an explicit one, or derived from subject, value and period when
    it was first imported (claims.importers.keys). `period` holds the canonical written period ("2024",
    "2013/", "as of 2024", "late 1980s"); period_start / period_end / period_precision / period_as_of /
    period_approximate are its parsed parts (claims.periods.period_fields).
    """

    key = models.CharField(
        max_length=300,
        unique=True,
        error_messages={"unique": "Another claim has this key already: give another, or none to have one derived."},
    )
    subject = models.CharField(max_length=200)
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices)
    value = models.DecimalField(**AMOUNT)
    unit = models.CharField(max_length=20, choices=Unit.choices, blank=True)
    qualifier = models.CharField(max_length=15, choices=Qualifier.choices, default=Qualifier.EXACT)
    lower_bound = models.DecimalField(**AMOUNT)
    upper_bound = models.DecimalField(**AMOUNT)
    period = models.CharField(max_length=40, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    period_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    period_as_of = models.BooleanField(default=False)
    period_approximate = models.BooleanField(
        default=False, help_text='Approximate as written ("late 1980s", "c. 1985"); start and end are its years.'
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.UNVERIFIED)
    verdict_note = _limited_text(
        VERDICT_NOTE_MAX_LENGTH,
        blank=True,
        help_text="The verdict's explanation in one or two sentences, as readers will see it.",
    )
    textual_rating = models.CharField(
        max_length=100, blank=True, help_text='The verdict in a few words, as readers see it ("False", "Misleading").'
    )
    rating_value = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=f"The rating from {RATING_WORST} to {RATING_BEST}: {RATING_SCALE_WORDS}."
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_claims"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the verdict was published: only published verdicts are public."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="published_claims"
    )
    unpublished_at = models.DateTimeField(
        null=True, blank=True, help_text="When a published verdict was taken down; its page answers 410 Gone."
    )
    unpublished_note = _limited_text(
        PUBLICATION_NOTE_MAX_LENGTH, blank=True, help_text="Why the verdict was taken down, as its page says."
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_claims"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = _limited_text(WITHDRAWAL_REASON_MAX_LENGTH, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every save; an edit made on an older version is refused."
    )
    evidence_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="How many pieces of evidence the claim has; counted by the database."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["version", "evidence_count"], history_change_reason_field=models.TextField(null=True)
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("change_claim_status", "Can move a claim through the verification workflow"),
            ("import_claims", "Can import claims, sources and evidence from files"),
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at"]),
            # A verdict and a unit together (the journalists' commonest pair of filters): the page newest change first
            # and its capped count from the index alone.
            models.Index(fields=["status", "unit", "-updated_at", "-id"], name="claim_status_unit_idx"),
            # A unit's value range: its matches' order (newest change first) and count from the index alone.
            models.Index(fields=["unit", "value"], include=["updated_at", "id"], name="claim_unit_value_idx"),
            models.Index(fields=["value"], name="claim_value_idx"),  # sorting the whole list by figure
            # …largest first (`ordering=-value`), and in a unit: claims without a figure come last either way, which a
            # backward scan of the ascending indexes can't give (it puts them first), so PostgreSQL sorted every claim
            # (`unit=USD&ordering=-value` at a million claims: 944 ms for a page).
            models.Index(F("value").desc(nulls_last=True), name="claim_value_desc_idx"),
            models.Index(F("unit"), F("value").desc(nulls_last=True), name="claim_unit_value_desc_idx"),
            models.Index(fields=["period_start", "period_end"]),
            models.Index(F("period_start").desc(nulls_last=True), name="claim_period_desc_idx"),  # latest period first
            # Intake's conflicts: the claims of a unit and period, nearest a value first (claims.intake.matching).
            models.Index(fields=["unit", "period_start", "value"], name="claim_unit_period_value_idx"),
            models.Index(fields=["-updated_at", "-id"]),
            models.Index(fields=["subject"]),
            # "No evidence yet": the desk's to-do list, newest change first, without probing every claim's evidence.
            models.Index(fields=["-updated_at", "-id"], condition=Q(evidence_count=0), name="claim_no_evidence_idx"),
            # The public index: published fact-checks, newest publication first (claims.selectors.published_claims);
            # the status is included so that a page's ids, even deep ones, are read from the index alone, in order.
            models.Index(
                fields=["-published_at", "-id"],
                include=["status"],
                condition=Q(published_at__isnull=False),
                name="claim_published_idx",
            ),
            # …and by verdict (?verdict=false): its page and its count read one range of the index.
            models.Index(
                fields=["status", "-published_at", "-id"],
                condition=Q(published_at__isnull=False),
                name="claim_published_status_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="claim_status_valid"),
            models.CheckConstraint(condition=Q(claim_type__in=ClaimType.values), name="claim_type_valid"),
            models.CheckConstraint(condition=Q(qualifier__in=Qualifier.values), name="claim_qualifier_valid"),
            models.CheckConstraint(condition=~Q(subject=""), name="claim_subject_not_empty"),
            models.CheckConstraint(condition=~Q(key=""), name="claim_key_not_empty"),
            models.CheckConstraint(
                condition=(
                    Q(value__isnull=True, lower_bound__isnull=True, upper_bound__isnull=True, unit="")
                    | (
                        Q(unit__in=Unit.values)
                        & (Q(value__isnull=False) | Q(lower_bound__isnull=False) | Q(upper_bound__isnull=False))
                    )
                ),
                name="claim_unit_iff_figure",
            ),
            models.CheckConstraint(condition=_ordered("lower_bound", "value"), name="claim_lower_bound_le_value"),
            models.CheckConstraint(condition=_ordered("value", "upper_bound"), name="claim_value_le_upper_bound"),
            models.CheckConstraint(
                condition=_ordered("lower_bound", "upper_bound"), name="claim_lower_bound_le_upper_bound"
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENT)
                | Q(claim_type=ClaimType.CHANGE)
                | (_within("value", 0, 100) & _within("lower_bound", 0, 100) & _within("upper_bound", 0, 100)),
                name="claim_percent_within_0_100",
            ),
            models.CheckConstraint(condition=_ordered("period_start", "period_end"), name="claim_period_ordered"),
            models.CheckConstraint(condition=_within("rating_value", 1, 5), name="claim_rating_value_1_5"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, superseded_by__isnull=True, withdrawal_reason="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="claim_withdrawal_has_reason",
            ),
            models.CheckConstraint(condition=~Q(superseded_by=F("pk")), name="claim_not_superseded_by_itself"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status__in=VERDICTS), name="claim_published_is_verdict"
            ),
            models.CheckConstraint(
                condition=(
                    Q(period_start__isnull=True, period_end__isnull=True, period_precision="", period="")
                    & Q(period_as_of=False, period_approximate=False)
                )
                | (
                    (Q(period_start__isnull=False) | Q(period_end__isnull=False))
                    & Q(period_precision__in=DatePrecision.values)
                    & ~Q(period="")
                ),
                name="claim_period_parts_consistent",
            ),
        ]

    def __str__(self) -> str:
        figure = self.display_quantity
        return f"{self.subject}: {figure}" if figure else self.subject

    def save(self, *args: Any, **kwargs: Any) -> None:
        # evidence_count belongs to the database's triggers: an update never writes the copy loaded with the row.
        if not self._state.adding and self.pk is not None and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [name for name in WRITABLE_CLAIM_FIELDS if name not in deferred]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """The figure's rules, with a message on the field to fix (the same rules the importer applies)."""
        from django.core.exceptions import ValidationError

        fields = {"value": "value", "unit": "unit", "lower": "lower_bound", "upper": "upper_bound"}
        errors: dict[str, str] = {}
        for field, message in quantity_problems(
            value=self.value,
            unit=self.unit,
            lower=self.lower_bound,
            upper=self.upper_bound,
            is_change=self.claim_type == ClaimType.CHANGE,
        ):
            errors.setdefault(fields[field], message)
        if errors:
            raise ValidationError(errors)

    def set_period(self, period: "str | Period") -> None:
        """Set the period from its written form ("2024", "2013/", "as of 2024") or a parsed Period; raises
        InvalidPeriod. The fields come from claims.periods.period_fields, the one mapping."""
        parsed = parse_period(period) if isinstance(period, str) else period
        for name, value in period_fields(parsed).items():
            setattr(self, name, value)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def display_quantity(self) -> str:
        return format_quantity(self.value, self.unit, self.qualifier, self.lower_bound, self.upper_bound)

    @property
    def parsed_period(self) -> Period:
        return Period(
            self.period_start, self.period_end, self.period_precision, self.period_as_of, self.period_approximate
        )

    @property
    def display_period(self) -> str:
        return describe_period(self.parsed_period)


WRITABLE_CLAIM_FIELDS = [
    f.attname for f in Claim._meta.concrete_fields if not f.primary_key and f.name != "evidence_count"
]


class Appearance(models.Model):
    """Where a claim was stated: the source, the verbatim quote and, when we hold the text, its offsets.

    The database guarantees that end_offset - start_offset is the quote's length and (by a trigger, see the
    migration) that the quote is the source text's slice at those offsets.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="appearances")
    quote = _limited_text(QUOTE_MAX_LENGTH, help_text="Verbatim, as in the source's text.")
    start_offset = models.PositiveIntegerField(null=True, blank=True)
    end_offset = models.PositiveIntegerField(null=True, blank=True)
    claimant = models.CharField(max_length=200, blank=True, help_text="Who made the claim, if not the author.")
    stated_on = models.DateField(null=True, blank=True, help_text="When stated, if not the publication date.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["claim_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"],
                name="appearance_one_per_claim_and_source",
                violation_error_code="duplicate",
                violation_error_message="This claim already has an appearance in this source: change that one.",
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="appearance_quote_not_empty"),
            models.CheckConstraint(
                condition=Q(start_offset__isnull=True, end_offset__isnull=True)
                | Q(start_offset__gte=0, end_offset=F("start_offset") + Length("quote")),
                name="appearance_offsets_span_quote",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} in {self.source}"

    @property
    def date(self) -> dt.date | None:
        """When the claim was made here (claims.appearances.appearance_date)."""
        return appearance_date(self.stated_on, self.source.published_on)


class Evidence(models.Model):
    """A link between a claim and a source that bears on it, with the source's own figure when it gives one."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    relation = models.CharField(max_length=12, choices=EvidenceRelation.choices)
    excerpt = _limited_text(EXCERPT_MAX_LENGTH, blank=True)
    locator = models.CharField(max_length=200, blank=True, help_text="Page, section or reference number.")
    source_value = models.DecimalField(**AMOUNT)
    excerpt_missing_since = models.DateTimeField(
        null=True, blank=True, help_text="Set by the source check when the excerpt is no longer in the page's text."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "relation"],
                name="evidence_one_per_relation",
                violation_error_code="duplicate",
                violation_error_message="This claim already has evidence from this source with this relation: "
                "change that one.",
            ),
            models.CheckConstraint(condition=Q(relation__in=EvidenceRelation.values), name="evidence_relation_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.source}"

    def gap_percent(self):
        """The claim's figure against the source's, in percent of the source's."""
        return gap_percent(self.claim.value, self.source_value)


class VerdictCorrection(models.Model):
    """A correction of a published verdict: the verdict as it stood before, kept visible on the fact-check's page
    with the date and the note that says what changed (claims.services.publication.claim_correct)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="corrections")
    corrected_at = models.DateTimeField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = _limited_text(PUBLICATION_NOTE_MAX_LENGTH, help_text="What was corrected and why, as readers will see it.")
    earlier_status = models.CharField(max_length=15, choices=Status.choices)
    earlier_textual_rating = models.CharField(max_length=100, blank=True)
    earlier_rating_value = models.PositiveSmallIntegerField(null=True, blank=True)
    earlier_verdict_note = _limited_text(VERDICT_NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["claim_id", "-corrected_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="correction_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"correction of claim {self.claim_id} on {self.corrected_at:%Y-%m-%d}"


class ClaimSearch(models.Model):
    """A claim's full-text search document on PostgreSQL: its subject (weight A), its appearances' quotes (B) and
    their sources' titles (C), in one tsvector behind one GIN index.

    Written only by database triggers (migration claims 0010), whichever door a claim, an appearance or a source
    title changes through; deleted with its claim (a foreign key with ON DELETE CASCADE). Rebuilt for repairs by
    `manage.py repair_claim_data`.
    """

    # The database's own foreign key (ON DELETE CASCADE, migration claims 0009) deletes a document with its claim;
    # the relation lets a search join the documents it matched and rank them in that one pass.
    claim = models.OneToOneField(
        Claim,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )
    document = SearchVectorField()
    # The claim's published_at while it is a published verdict (selectors.PUBLISHED), else NULL: a public search finds,
    # ranks and counts its matches among these documents alone (claimsearch_published_idx).
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        db_table = "claims_claimsearch"
        indexes = [
            GinIndex(fields=["document"], condition=Q(published_at__isnull=False), name="claimsearch_published_idx"),
        ]

    def __str__(self) -> str:
        return f"search document of claim {self.claim_id}"


class SearchTerm(models.Model):
    """A frequent word of the search documents whose best matches are held ranked (SearchTermMatch): a search for
    that word alone reads its first pages off an index of the held matches instead of ranking its thousands of
    matches on every request.

    Chosen and cut by claims.search_terms.refresh_search_terms (`manage.py refresh_search_terms`). A cut is the last
    held match of an order: every match that ranks at or above it is held, kept so by the database's triggers
    (migration claims 0027) whatever changes a document, so a page above the cut is the ranking's own page. A NULL
    cut holds nothing for that order.
    """

    lexeme = models.TextField(unique=True, help_text="The word as the search documents hold it (stemmed).")
    # The text of the tsquery a search for the word alone compiles to ('iran'): what a search is looked up by.
    query = models.TextField(unique=True)
    # The staff's order (rank, then newest claim first) over every document; readers of published claims only
    # take the published matches of the same held rows, which are the first ones of their own ranking.
    staff_score = models.FloatField(null=True)
    staff_claim_id = models.BigIntegerField(null=True)
    # The public pages' order (rank, newest publication, newest claim) over the published documents.
    public_score = models.FloatField(null=True)
    public_published_at = models.DateTimeField(null=True)
    public_claim_id = models.BigIntegerField(null=True)
    # Its documents, and the published ones, when it was cut; with its SearchTermCount rows, its documents now.
    documents = models.PositiveIntegerField()
    published = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        db_table = "claims_searchterm"

    def __str__(self) -> str:
        return f"search term {self.lexeme}"


class SearchTermMatch(models.Model):
    """A document that ranks at or above a SearchTerm's cut, with its rank for the word (ts_rank, as a search
    ranks it). Written only by the database's triggers and by the refresh (migration claims 0027); deleted with
    its document by the database's own foreign key (ON DELETE CASCADE)."""

    term = models.ForeignKey(SearchTerm, on_delete=models.CASCADE, related_name="held")
    claim = models.ForeignKey(ClaimSearch, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    score = models.FloatField()
    published_at = models.DateTimeField(null=True)  # the document's: a public match is a published one
    staff = models.BooleanField()  # at or above the staff cut
    public = models.BooleanField()  # published, at or above the public cut

    class Meta:
        db_table = "claims_searchtermmatch"
        constraints = [models.UniqueConstraint(fields=["term", "claim"], name="searchtermmatch_once")]
        indexes = [
            models.Index(fields=["term", "-score", "-claim"], condition=Q(staff=True), name="searchtermmatch_staff"),
            models.Index(
                fields=["term", "-score", "-published_at", "-claim"],
                condition=Q(public=True),
                name="searchtermmatch_public",
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} for {self.term_id}"


class SearchTermCount(models.Model):
    """A change to a SearchTerm's documents (and published ones), written by the triggers with each statement that
    adds, changes or deletes documents holding the word: the term's count is its own plus these, exact at any moment,
    without a row that every writer of a common word would have to lock. The refresh folds them into the term."""

    term = models.ForeignKey(SearchTerm, on_delete=models.CASCADE, related_name="counts")
    documents = models.IntegerField()
    published = models.IntegerField()

    class Meta:
        db_table = "claims_searchtermcount"

    def __str__(self) -> str:
        return f"{self.documents:+} documents of {self.term_id}"


def first_appearance_of(appearances: Iterable[Appearance]) -> Appearance | None:
    """The earliest appearance: by its date (claims.appearances.appearance_date), undated last."""
    return first_appearance(
        appearances, date_of=lambda appearance: appearance.date, id_of=lambda appearance: appearance.id
    )


class IntakeDismissal(models.Model):
    """A candidate figure of a source's text that a fact-checker judged not worth checking, remembered so that the
    intake's review (claims.services.intake.pending_candidates) does not propose it again. The span's text is
    kept beside its offsets: it says what was dismissed, and the offsets stay true because a source's text can't
    change while claims appear in it."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="intake_dismissals")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500, help_text="The candidate's words, as in the source's text.")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["source_id", "start", "end"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "start", "end"],
                name="intake_dismissal_one_per_span",
                violation_error_code="duplicate",
                violation_error_message="This candidate is already dismissed.",
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="intake_dismissal_span_not_empty"),
        ]

    def __str__(self) -> str:
        return f"dismissed “{self.text}” at {self.start}–{self.end} of {self.source}"
