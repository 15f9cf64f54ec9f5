"""A paginator that doesn't count a million rows on every page load."""

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

EXACT_BELOW = 50_000


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, an unfiltered list uses the planner's row estimate instead of COUNT(*) when it is large.

    Filtered lists are counted exactly: they are usually small, and a wrong page count there would mislead.
    """

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if connection.vendor == "postgresql" and query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= EXACT_BELOW:
                return int(row[0])
        return super().count
