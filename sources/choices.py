"""Fixed vocabularies of the sources app."""

from django.db import models


class SourceKind(models.TextChoices):
    NEWS = "news", "News article"
    OPINION = "opinion", "Opinion"
    ANALYSIS = "analysis", "Analysis / commentary"
    REPORT = "report", "Think-tank report"
    SURVEY = "survey", "Survey"
    STATISTICS = "statistics", "Official statistics"
    DATASET = "dataset", "Dataset"
    INTERVIEW = "interview", "Interview"
    PRESS_RELEASE = "press_release", "Press release"
    ACADEMIC = "academic", "Academic paper"
    BOOK = "book", "Book"
    OTHER = "other", "Other"


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


class SourceHealth(models.TextChoices):
    """What the last check of a source's URL found (see sources.checking.health for the rule)."""

    NEVER_CHECKED = "never_checked", "Never checked"
    OK = "ok", "OK"
    REDIRECTED = "redirected", "Redirected"
    CHANGED = "changed", "Changed"
    BROKEN = "broken", "Broken"
    UNREACHABLE = "unreachable", "Unreachable"
    REFUSED = "refused", "Refused (address not allowed)"
