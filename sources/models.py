"""Publishers and the documents that can be cited: articles, reports, surveys, datasets."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .choices import DatePrecision, SourceKind
from .partial_dates import format_partial_date
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
    normalized_url = models.CharField(max_length=2000, null=True, blank=True, editable=False)
    accessed_on = models.DateField(null=True, blank=True)
    archive_url = models.URLField(max_length=2000, blank=True)
    text = models.TextField(blank=True, help_text="The document's full text, when we hold it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The text is left out of the history: it is large, and a change to it is refused under existing quotes.
    history = HistoricalRecords(excluded_fields=["text"], history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["publisher", "title"])]
        constraints = [
            models.UniqueConstraint(
                fields=["normalized_url"], condition=Q(normalized_url__isnull=False), name="source_url_unique"
            ),
            models.CheckConstraint(condition=~Q(key=""), name="source_key_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=[""] + SourceKind.values), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(published_on__isnull=True) & Q(published_precision=""))
                | (Q(published_on__isnull=False) & Q(published_precision__in=DatePrecision.values)),
                name="source_published_precision_matches_date",
            ),
            models.CheckConstraint(
                condition=(Q(url="") & Q(normalized_url__isnull=True))
                | (~Q(url="") & Q(normalized_url__isnull=False)),
                name="source_normalized_url_matches_url",
            ),
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        if self.url:
            return self.url
        who = self.publisher.name if self.publisher_id else "unknown publisher"
        return f"[untitled {self.get_kind_display().lower() if self.kind else 'source'}] {who} ({self.key})"

    @property
    def published_display(self) -> str:
        return format_partial_date(self.published_on, self.published_precision)

    def save(self, *args, **kwargs):
        self.normalized_url = normalize_url(self.url) if self.url else None
        super().save(*args, **kwargs)
