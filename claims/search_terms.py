"""Held rankings of the frequent words: which words, cut where (the rule itself is migration claims 0027's SQL).

A search for one word alone, best match first, ranks every document of that word. For a word in tens of thousands
of documents that is most of a request's time, so the frequent words' best matches are kept ranked
(models.SearchTerm, SearchTermMatch) and a page among them is read off their index (selectors.HeldSearch).
The database's triggers keep the held matches exactly the top of each word's ranking as documents change; what
changes slowly is which words are frequent and how deep their cuts are, and that is what refresh_search_terms
redoes: run it after a large import and then daily (`manage.py refresh_search_terms`, or the worker's schedule).

A word that isn't held, or a page below the cut, is ranked as before: holding only ever makes a page faster.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from .models import SearchTerm


@dataclass
class RefreshSummary:
    held: dict[str, int] = field(default_factory=dict)  # word → its documents when cut
    dropped: list[str] = field(default_factory=list)  # words no longer frequent

    def lines(self) -> list[str]:
        words = sorted(self.held, key=lambda word: -self.held[word])
        shown = ", ".join(f"{word} ({self.held[word]:,})" for word in words[:10])
        more = f" and {len(words) - 10:,} more" if len(words) > 10 else ""
        return [
            f"Words held: {len(words):,}" + (f"; their documents: {shown}{more}." if words else "."),
            f"Words dropped: {len(self.dropped):,}"
            + (f": {', '.join(sorted(self.dropped))}." if self.dropped else "."),
        ]


def frequent_words(min_matches: int) -> list[tuple[str, int]]:
    """The documents' words in `min_matches` documents or more, most frequent first, with their estimated
    documents: PostgreSQL's own statistics of the documents (ANALYZE's most common elements of the tsvector, read
    from a sample), so finding them costs a second whatever the table's size. Words with a backslash are left out
    (the cut's tsquery can't be written for them)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claimsearch")
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'claims_claimsearch'::regclass")
        (documents,) = cursor.fetchone()
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'claims_claimsearch' AND attname = 'document'"
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or documents <= 0:
        return []
    words, frequencies = row
    found = [(word, round(share * documents)) for word, share in zip(words, frequencies, strict=False)]
    return sorted(
        ((word, n) for word, n in found if n >= min_matches and "\\" not in word), key=lambda item: (-item[1], item[0])
    )


def refresh_search_terms(
    *,
    held: int | None = None,
    min_matches: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    summary: RefreshSummary | None = None,
) -> RefreshSummary:
    """Hold the best `held` matches (SEARCH_TERMS_HELD) of each word in `min_matches` (SEARCH_TERMS_MIN_MATCHES)
    documents or more, and drop the words that no longer are. One word per transaction: each locks the documents
    against writes while its matches are ranked (at a million claims: 57 ms for a word in 1,937 documents, 0.37 s in
    45,997, 1.5 s in 399,982; 353 words in 92 s), so writers wait that long at most. `progress(done, total, word)`
    after each word; `summary` is filled as the words are done (a caller that stops the refresh from `progress` keeps
    what was done)."""
    held = settings.SEARCH_TERMS_HELD if held is None else held
    min_matches = settings.SEARCH_TERMS_MIN_MATCHES if min_matches is None else min_matches
    if held < 1 or min_matches < 1:
        raise ValueError(f"held and min_matches must be 1 or more, not {held} and {min_matches}")
    words = [word for word, _ in frequent_words(max(min_matches, held))]
    summary = summary if summary is not None else RefreshSummary()
    with transaction.atomic():
        # Locked as a cut is: a writer's triggers, which hold documents for the terms they read, never commit a match
        # or a count of a term deleted meanwhile.
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE claims_claimsearch IN SHARE MODE")
        stale = SearchTerm.objects.exclude(lexeme__in=words)
        summary.dropped = list(stale.values_list("lexeme", flat=True))
        stale.delete()  # their held matches with them (the term's foreign key cascades)
    for done, word in enumerate(words, start=1):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT claims_search_term_cut(%s, %s)", [word, held])
            (summary.held[word],) = cursor.fetchone()
        if progress is not None:
            progress(done, len(words), word)
    return summary
