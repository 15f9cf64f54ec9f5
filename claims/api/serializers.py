"""Serializers: the read shapes (documented in the OpenAPI schema; produced fast by representation.py) and the
write shapes (validated here: types, choices, the period's syntax; business rules are the services')."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from claims.choices import VERDICTS, ClaimType, EvidenceRelation, Qualifier, Status, Unit
from claims.models import PUBLICATION_NOTE_MAX_LENGTH, VERDICT_NOTE_MAX_LENGTH, Appearance, Claim, Evidence
from claims.periods import InvalidPeriod, parse_period
from claims.quantities import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS, amount_problem
from factcheck.api.schema import decimal_pattern
from factcheck.api.serializers import KnownFieldsMixin
from sources.api.serializers import PublisherBriefSerializer
from sources.models import Source


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "pattern": f"^$|{decimal_pattern(AMOUNT_MAX_DIGITS, AMOUNT_DECIMAL_PLACES)}"},
            {"type": "number"},
        ],
        "nullable": True,
        "description": f'An exact decimal as a string ("" or null for none), or a JSON number; at most '
        f"{AMOUNT_MAX_DIGITS} digits, {AMOUNT_DECIMAL_PLACES} of them after the point.",
    }
)
class AmountField(serializers.DecimalField):
    """An optional amount within the desk's limits: claims.quantities.amount_problem, the importer's rule too."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, **kwargs)

    def validate_precision(self, value: Decimal) -> Decimal:
        problem = amount_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


# --- read ------------------------------------------------------------------------------------------------------
class SourceBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The source's URL as cited (may be empty).")
    publisher = PublisherBriefSerializer(allow_null=True)


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class QuantitySerializer(serializers.Serializer):
    value = serializers.CharField(allow_null=True, help_text="Exact decimal as a string, in the unit.")
    unit = serializers.ChoiceField(choices=[("", "none"), *Unit.choices])
    qualifier = serializers.ChoiceField(choices=Qualifier.choices)
    lower_bound = serializers.CharField(allow_null=True)
    upper_bound = serializers.CharField(allow_null=True)
    display = serializers.CharField(help_text='As people read it: "≈ $245 bn", "> 42", "11 %".')


class PeriodSerializer(serializers.Serializer):
    # A declared field named like an attribute of DRF's Field (label, source, context): the stubs see an override.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='Canonical written form: "2024", "2013/2024", "as of 2024", "late 1980s" ("" for none).'
    )
    display = serializers.CharField(help_text='In words: "since 2013", "2013–2024", "late 1980s".')
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    precision = serializers.CharField()
    as_of = serializers.BooleanField()
    approximate = serializers.BooleanField(
        help_text='Approximate as written ("late 1980s" is 1985–1989, "c. 1985"): start and end are its years.'
    )


class VerdictSerializer(serializers.Serializer):
    textual_rating = serializers.CharField()
    explanation = serializers.CharField()
    rating_value = serializers.IntegerField(allow_null=True, help_text="1 (false) … 5 (true); null if none.")
    reviewer = UserBriefSerializer(allow_null=True, help_text="Null for clients without a desk role.")
    reviewed_at = serializers.DateTimeField(allow_null=True)


class WithdrawalSerializer(serializers.Serializer):
    withdrawn_at = serializers.DateTimeField()
    reason = serializers.CharField()
    superseded_by = serializers.IntegerField(allow_null=True)


class AppearanceBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = SourceBriefSerializer()  # type: ignore[assignment]
    quote = serializers.CharField()
    claimant = serializers.CharField()
    date = serializers.DateField(allow_null=True, help_text="When stated: the appearance's date, else the source's.")
    start_offset = serializers.IntegerField(allow_null=True)
    end_offset = serializers.IntegerField(allow_null=True)


class EvidenceBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = SourceBriefSerializer()  # type: ignore[assignment]
    relation = serializers.ChoiceField(choices=EvidenceRelation.choices)
    excerpt = serializers.CharField()
    locator = serializers.CharField()
    source_value = serializers.CharField(allow_null=True, help_text="The source's own figure, in the claim's unit.")
    gap_percent = serializers.CharField(allow_null=True, help_text="(claim − source) / |source| × 100, one decimal.")
    excerpt_missing_since = serializers.DateTimeField(allow_null=True)


class ClaimLinksSerializer(serializers.Serializer):
    self = serializers.URLField()
    admin = serializers.URLField()
    history = serializers.URLField()
    claimreview = serializers.URLField(
        allow_null=True, help_text="ClaimReview JSON-LD; null unless the verdict is published."
    )


class PublicationSerializer(serializers.Serializer):
    published_at = serializers.DateTimeField(help_text="When the verdict was published (made public).")
    published_by = serializers.CharField(
        allow_null=True, help_text="Who published it: their full name, else their username; null if unknown."
    )
    url = serializers.URLField(help_text="The fact-check's public page (/fact-checks/<id>-<slug>/).")


class ClaimSerializer(serializers.Serializer):
    """A claim. With `?fields=` only the named top-level fields are present."""

    id = serializers.IntegerField(required=False)
    key = serializers.CharField(required=False)
    subject = serializers.CharField(required=False)
    claim_type = serializers.ChoiceField(choices=ClaimType.choices, required=False)
    quantity = QuantitySerializer(required=False)
    period = PeriodSerializer(required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    verdict = VerdictSerializer(allow_null=True, required=False, help_text="Null unless the status is a verdict.")
    assignee = UserBriefSerializer(allow_null=True, required=False)
    withdrawal = WithdrawalSerializer(allow_null=True, required=False)
    publication = PublicationSerializer(
        allow_null=True, required=False, help_text="Null unless the verdict is published (public)."
    )
    appearances = AppearanceBriefSerializer(many=True, required=False)
    evidence = EvidenceBriefSerializer(many=True, required=False)
    version = serializers.IntegerField(required=False, help_text='The ETag is W/"<version>".')
    created_at = serializers.DateTimeField(required=False)
    updated_at = serializers.DateTimeField(required=False)
    links = ClaimLinksSerializer(required=False)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField(  # type: ignore[assignment]  # a field named like DRF's Field.label
        help_text='The field as people name it: "Rating value" for rating_value.'
    )
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateTimeField()
    user = UserBriefSerializer(allow_null=True)
    type = serializers.ChoiceField(choices=[("created", "created"), ("changed", "changed"), ("deleted", "deleted")])
    reason = serializers.CharField(allow_null=True, help_text="The transition note or the change's reason.")
    changes = HistoryChangeSerializer(many=True)


# --- write -----------------------------------------------------------------------------------------------------
READ_ONLY = {"id", "status", "textual_rating", "rating_value", "reviewer", "reviewed_at", "assignee", "version",
             "created_at", "updated_at", "withdrawn_at", "withdrawal_reason", "superseded_by", "verdict"}  # fmt: skip
READ_ONLY_HINTS = {name: ": change it with POST /api/v1/claims/{id}/transition/" for name in (
    "status", "textual_rating", "rating_value", "reviewer", "reviewed_at", "verdict")}  # fmt: skip


class ClaimWriteSerializer(KnownFieldsMixin, serializers.ModelSerializer):
    """Create or edit a claim. Status, verdict, reviewer, version and timestamps are not writable here."""

    key = serializers.CharField(
        max_length=300, required=False, help_text="Derived from subject, value, period if absent."
    )
    value = AmountField()
    lower_bound = AmountField()
    upper_bound = AmountField()
    unit = serializers.ChoiceField(choices=[("", "none"), *Unit.choices], required=False)
    period = serializers.CharField(
        max_length=40, required=False, allow_blank=True,
        help_text='"2024", "2024-05", "2013/2024", "2013/", "/2024", "1990s", "late 1980s", "c. 1985", "as of 2024", '
                  'or "".',
    )  # fmt: skip

    class Meta:
        model = Claim
        fields = ["key", "subject", "claim_type", "value", "unit", "qualifier", "lower_bound", "upper_bound",
                  "period", "verdict_note"]  # fmt: skip

    def validate_period(self, value):
        try:
            return parse_period(value)
        except InvalidPeriod as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def unknown_field_message(self, name: str) -> str:
        if name in READ_ONLY:
            return f"is read-only here{READ_ONLY_HINTS.get(name, '')}"
        return super().unknown_field_message(name)


class AppearanceWriteSerializer(KnownFieldsMixin, serializers.ModelSerializer):
    """An appearance; its offsets are computed from the quote (and `start`, if given) in the source's text."""

    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.defer("text"))  # type: ignore[assignment]
    start = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, allow_null=True, write_only=True,
        help_text="Where the quote starts in the source's text, when it occurs more than once.",
    )  # fmt: skip

    class Meta:
        model = Appearance
        fields = ["claim", "source", "quote", "start", "claimant", "stated_on"]
        validators: list = []  # one appearance per claim and source: the model's constraint, as a 409 (services)


class EvidenceWriteSerializer(KnownFieldsMixin, serializers.ModelSerializer):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.defer("text"))  # type: ignore[assignment]
    source_value = AmountField()

    class Meta:
        model = Evidence
        fields = ["claim", "source", "relation", "excerpt", "locator", "source_value"]
        validators: list = []  # one per claim, source and relation: the model's constraint, as a 409 (services)


class TransitionSerializer(KnownFieldsMixin, serializers.Serializer):
    """A move through the workflow, with the verdict's words when the move gives one."""

    to = serializers.ChoiceField(choices=Status.choices, help_text="The status to move to.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=VERDICT_NOTE_MAX_LENGTH,
        help_text="Why: the verdict's explanation, recorded in the audit trail.",
    )
    textual_rating = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    rating_value = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=5)


VERDICT_CHOICES = [(status, label) for status, label in Status.choices if status in VERDICTS]


class PublishSerializer(KnownFieldsMixin, serializers.Serializer):
    """Publish a final verdict (a second person: not its reviewer)."""

    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=PUBLICATION_NOTE_MAX_LENGTH,
        help_text="Optional; recorded in the audit trail.",
    )  # fmt: skip


class UnpublishSerializer(KnownFieldsMixin, serializers.Serializer):
    """Take a published verdict down; its public page answers 410 Gone with the note."""

    note = serializers.CharField(
        max_length=PUBLICATION_NOTE_MAX_LENGTH, help_text="Why it is taken down, as its page will say. Required."
    )


class CorrectSerializer(KnownFieldsMixin, serializers.Serializer):
    """Correct a published verdict: what is given replaces it (what is left out stays); the earlier verdict is kept
    in the correction log, dated, with the note."""

    note = serializers.CharField(
        max_length=PUBLICATION_NOTE_MAX_LENGTH, help_text="What was corrected and why, as readers will see it."
    )
    to = serializers.ChoiceField(
        choices=VERDICT_CHOICES, required=False, help_text="The corrected verdict's status; the same one if left out."
    )
    textual_rating = serializers.CharField(required=False, allow_blank=True, max_length=100)
    rating_value = serializers.IntegerField(required=False, min_value=1, max_value=5)
    verdict_note = serializers.CharField(
        required=False, allow_blank=True, max_length=VERDICT_NOTE_MAX_LENGTH, help_text="The verdict's explanation."
    )


# --- appearances and evidence as resources of their own --------------------------------------------------------
class AppearanceSerializer(AppearanceBriefSerializer):
    claim = serializers.IntegerField()


class EvidenceSerializer(EvidenceBriefSerializer):
    claim = serializers.IntegerField()


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONLDField(serializers.JSONField):
    pass


class ClaimReviewSerializer(serializers.Serializer):
    """schema.org ClaimReview (JSON-LD), as Google's fact-check markup documents it."""

    context = serializers.CharField(help_text='"https://schema.org"')  # type: ignore[assignment]
    type = serializers.CharField(help_text='"ClaimReview"')
    url = serializers.URLField()
    claimReviewed = serializers.CharField()  # noqa: N815 - schema.org's property names
    datePublished = serializers.DateField()  # noqa: N815
    author = JSONLDField()
    reviewRating = JSONLDField()  # noqa: N815
    itemReviewed = JSONLDField()  # noqa: N815

    def get_fields(self):
        fields = super().get_fields()
        fields["@context"] = fields.pop("context")
        fields["@type"] = fields.pop("type")
        return fields


FEED_TOMBSTONE_SCHEMA = {
    "type": "object",
    "description": "With `updated_after`: a review taken down since then (its verdict reopened or moved off, or the "
    "claim deleted).",
    "required": ["@type", "dateDeleted", "item"],
    "properties": {
        "@type": {"type": "string", "enum": ["DataFeedItem"]},
        "dateDeleted": {"type": "string", "format": "date-time"},
        "item": {
            "type": "object",
            "required": ["@type", "url"],
            "properties": {"@type": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
        },
    },
}


@extend_schema_field(
    {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/ClaimReview"}, FEED_TOMBSTONE_SCHEMA]}}
)
class FeedElementsField(serializers.ListField):
    pass


@extend_schema_serializer(many=False)
class ClaimReviewFeedSerializer(serializers.Serializer):
    """A schema.org DataFeed whose elements are ClaimReviews (and, with `updated_after`, the tombstones of the reviews
    taken down since then)."""

    context = serializers.CharField(help_text='"https://schema.org"')  # type: ignore[assignment]
    type = serializers.CharField(help_text='"DataFeed"')
    dataFeedElement = FeedElementsField()  # noqa: N815

    def get_fields(self):
        fields = super().get_fields()
        fields["@context"] = fields.pop("context")
        fields["@type"] = fields.pop("type")
        return fields
