"""Publishers and the documents that can be cited: articles, reports, surveys, datasets."""

from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import MD5
from simple_history.models import HistoricalRecords

from .choices import DatePrecision, SourceHealth, SourceKind
from .partial_dates import format_partial_date, readable_partial_date
from .urlnorm import normalize_url


class Publisher(models.Model):
    """An outlet or institution that publishes sources (19FortyFive, Anadolu Agency, RUSI, CSIS…)."""

    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="publisher_name_not_empty")]

    def __str__(self) -> str:
        return self.name


CHECK_FIELDS = (
    "health",
    "health_since",
    "health_detail",
    "last_checked_at",
    "http_status",
    "http_status_since",
    "final_url",
    "final_url_since",
    "content_type",
    "content_type_since",
    "page_title",
    "fingerprint",
    "fingerprint_since",
    "change_detected_at",
)


class Source(models.Model):
    """A document that can be cited. What the document doesn't tell (URL, date, author) stays empty.

    `key` is the source's stable natural key: an explicit one, or derived from its URL or its title and
    publisher when it was first stored (see claims.importers.keys).
    """

    key = models.CharField(max_length=300, unique=True)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.ForeignKey(Publisher, null=True, blank=True, on_delete=models.PROTECT, related_name="sources")
    authors = models.JSONField(default=list, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    kind = models.CharField(max_length=20, choices=SourceKind.choices, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    # NULL, not "", for "no URL": the unique constraint below must let any number of sources go without one.
    normalized_url = models.CharField(max_length=2000, null=True, blank=True, editable=False)  # noqa: DJ001
    accessed_on = models.DateField(null=True, blank=True)
    archive_url = models.URLField(max_length=2000, blank=True)
    text = models.TextField(blank=True, help_text="The document's full text, when we hold it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What the last check of the URL found (written only by sources.services.record_source_check). Each
    # `*_since` is when the value beside it was first seen, so "404 since 3 May" reads off the row.
    health = models.CharField(
        max_length=15, choices=SourceHealth.choices, default=SourceHealth.NEVER_CHECKED, db_index=True
    )
    health_since = models.DateTimeField(null=True, blank=True)
    health_detail = models.CharField(max_length=500, blank=True, help_text="Why the check gave this state.")
    last_checked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    http_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty when the server gave no answer."
    )
    http_status_since = models.DateTimeField(null=True, blank=True)
    final_url = models.CharField(max_length=2000, blank=True, help_text="Where the redirects, if any, ended.")
    final_url_since = models.DateTimeField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    content_type_since = models.DateTimeField(null=True, blank=True)
    page_title = models.CharField(max_length=500, blank=True, help_text="The page's own title at the last check.")
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="A digest of the page's text at the last successful check, to notice when it changes.",
    )
    fingerprint_since = models.DateTimeField(null=True, blank=True)
    change_detected_at = models.DateTimeField(
        null=True, blank=True, help_text="When the page's text was seen to change; cleared when someone accepts it."
    )

    # The text is left out of the history: it is large, and a change to it is refused under existing quotes.
    # The check's fields are left out too: every check has its own SourceCheck row, so copying them into the
    # history would add a row per check without telling anything new.
    history = HistoricalRecords(
        excluded_fields=["text", *CHECK_FIELDS], history_change_reason_field=models.TextField(null=True)
    )

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["publisher", "title"]),
            # The text's digest, indexed for sources.selectors.source_with_text (an article brought in twice is the
            # same source): an index on an expression, not a column, so no door that writes the text (forms, the
            # importer's COPY, the intake) has a digest to keep. md5 is an identity check here, not a security one.
            models.Index(MD5("text"), name="source_text_md5"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["normalized_url"], condition=Q(normalized_url__isnull=False), name="source_url_unique"
            ),
            models.CheckConstraint(condition=~Q(key=""), name="source_key_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=[""] + SourceKind.values), name="source_kind_valid"),
            models.CheckConstraint(
                condition=(Q(published_on__isnull=True) & Q(published_precision=""))
                | (Q(published_on__isnull=False) & Q(published_precision__in=DatePrecision.values)),
                name="source_published_precision_matches_date",
            ),
            models.CheckConstraint(
                condition=(Q(url="") & Q(normalized_url__isnull=True)) | (~Q(url="") & Q(normalized_url__isnull=False)),
                name="source_normalized_url_matches_url",
            ),
            models.CheckConstraint(condition=Q(health__in=SourceHealth.values), name="source_health_valid"),
        ]

    def __str__(self) -> str:
        """The source as people name it: its title, else the page's title at the last check, else what it is, who
        published it and when ("Analysis / commentary by RUSI, 2025"), else its URL, else its key."""
        if self.title:
            return self.title
        if self.page_title:
            return self.page_title
        what = self.get_kind_display() if self.kind else "Source"
        if self.publisher is not None:
            what = f"{what} by {self.publisher.name}"
        elif not self.kind and not self.published_on:
            return self.url or self.key
        when = readable_partial_date(self.published_on, self.published_precision)
        return f"{what}, {when}" if when else what

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalized_url = normalize_url(self.url) if self.url else None
        super().save(*args, **kwargs)

    @property
    def is_named(self) -> bool:
        """Whether its label is a title (else the label itself says who published it: see __str__)."""
        return bool(self.title or self.page_title)

    @property
    def published_display(self) -> str:
        return format_partial_date(self.published_on, self.published_precision)


class SourceCheck(models.Model):
    """One check of a source's URL: what was asked, what came back and the state it gave. Never edited."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField()
    url = models.CharField(max_length=2000, help_text="The URL asked for.")
    health = models.CharField(max_length=15, choices=SourceHealth.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.CharField(max_length=2000, blank=True)
    redirects = models.JSONField(
        default=list,
        blank=True,
        help_text="Each redirect followed: the address asked, the answer's status and where it pointed.",
    )
    content_type = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    bytes_read = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    error_detail = models.TextField(
        blank=True, help_text="The technical detail of what went wrong (the network library's message)."
    )
    error = models.TextField(
        blank=True, help_text="What went wrong, in words, or a note (the page too large to read, …)."
    )

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["source", "-checked_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(health__in=SourceHealth.values), name="sourcecheck_health_valid")
        ]

    def __str__(self) -> str:
        return f"{self.url} at {self.checked_at:%Y-%m-%d %H:%M}: {self.get_health_display()}"
