"""Read shapes of sources and publishers."""

from rest_framework import serializers

from sources.models import Publisher, Source


class PublisherSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["id", "name", "website", "created_at", "updated_at"]


class PublisherBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["id", "name"]


class SourceSerializer(serializers.ModelSerializer):
    publisher = PublisherBriefSerializer(allow_null=True)
    published = serializers.CharField(
        source="published_display", help_text='The publication date to its known precision: "2025", "2025-05".'
    )

    class Meta:
        model = Source
        fields = ["id", "key", "title", "publisher", "authors", "published", "published_on", "published_precision",
                  "kind", "url", "archive_url", "accessed_on", "health", "health_detail", "health_since",
                  "last_checked_at", "http_status", "final_url", "change_detected_at",
                  "created_at", "updated_at"]  # fmt: skip
