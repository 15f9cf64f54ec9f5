"""Sources and publishers, read-only, as the reader may see them: anonymous clients see those linked to a
published claim. Who sees what is claims.selectors' business (source_list, publisher_list), hence these views
live beside the claims API rather than in sources/, which knows nothing of claims."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from claims.selectors import publisher_list, source_list
from factcheck.api.filtering import FilteredBackend, KnownQueryParameters
from sources.api.serializers import PublisherSerializer, SourceSerializer
from sources.filters import PublisherFilter, SourceFilter
from sources.models import Publisher, Source


@extend_schema(tags=["sources"])
class SourceViewSet(KnownQueryParameters, viewsets.ReadOnlyModelViewSet):
    """Documents that claims appear in or that serve as evidence."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filter_backends = [FilteredBackend]
    filterset_class = SourceFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Source]:
        return source_list(user=getattr(self.request, "user", None)).order_by("title", "id")


@extend_schema(tags=["sources"])
class PublisherViewSet(KnownQueryParameters, viewsets.ReadOnlyModelViewSet):
    """Outlets and institutions that publish sources."""

    queryset = Publisher.objects.all()
    serializer_class = PublisherSerializer
    filter_backends = [FilteredBackend]
    filterset_class = PublisherFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Publisher]:
        return publisher_list(user=getattr(self.request, "user", None)).order_by("name", "id")
