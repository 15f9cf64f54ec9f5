"""Sources and publishers, read-only. Anonymous clients see those linked to a published claim (see
claims.selectors, imported when a request comes: sources/ doesn't import claims/ at module level)."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from factcheck.api.filtering import FilteredBackend
from sources.filters import PublisherFilter, SourceFilter
from sources.models import Publisher, Source

from .serializers import PublisherSerializer, SourceSerializer


@extend_schema(tags=["sources"])
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Documents that claims appear in or that serve as evidence."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filter_backends = [FilteredBackend]
    filterset_class = SourceFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        from claims.selectors import source_list

        return source_list(user=getattr(self.request, "user", None)).order_by("title", "id")


@extend_schema(tags=["sources"])
class PublisherViewSet(viewsets.ReadOnlyModelViewSet):
    """Outlets and institutions that publish sources."""

    queryset = Publisher.objects.all()
    serializer_class = PublisherSerializer
    filter_backends = [FilteredBackend]
    filterset_class = PublisherFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        from claims.selectors import publisher_list

        return publisher_list(user=getattr(self.request, "user", None)).order_by("name", "id")
