"""Filter backends: django-filter's, answering invalid parameters with the API's 400, and one that only documents
a FilterSet whose filtering the view's selector does itself (claims.selectors.claim_list)."""

from django_filters.rest_framework import DjangoFilterBackend


class FilteredBackend(DjangoFilterBackend):
    raise_exception = True


class SelectorFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        return queryset
