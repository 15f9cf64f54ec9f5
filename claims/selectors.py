"""Reads with rules: which claims a user may see, in which order, and the related rows a page of them needs.

    claim_list(user=request.user, filters=request.GET)   # visible, filtered, ordered claims (a QuerySet)

The API, the CSV / NDJSON exports, the ClaimReview feed and the claims:search endpoint all read through here, so a
claim that a user may not see is missing (404) everywhere alike. Page data is fetched as plain rows (`values()`),
in one query per page whatever its size (claim_page): the claims, their appearances and their evidence, each with
its source and publisher joined.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count, Exists, F, Field, OuterRef, Q, QuerySet, Subquery, Sum, TextField
from django.db.models.functions import Cast, Coalesce
from django.http import QueryDict

from factcheck.counts import FirstPages
from factcheck.prepared import execute_prepared
from sources.models import Publisher, Source

from .choices import NO_UNIT, NO_UNIT_LABEL, VERDICTS
from .claimreview import is_published
from .models import Appearance, Claim, ClaimSearch, Evidence, SearchTerm, SearchTermMatch
from .roles import ASSIGNABLE_ROLES

CLAIM_COLUMNS = (
    "id", "key", "subject", "claim_type", "value", "unit", "qualifier", "lower_bound", "upper_bound", "period",
    "period_start", "period_end", "period_precision", "period_as_of", "period_approximate", "status", "verdict_note",
    "textual_rating", "rating_value", "reviewer_id", "reviewer__username", "reviewed_at", "published_at",
    "published_by_id", "published_by__username", "published_by__first_name", "published_by__last_name",
    "assignee_id", "assignee__username", "withdrawn_at", "withdrawal_reason", "superseded_by_id", "version",
    "created_at", "updated_at", "evidence_count",
)  # fmt: skip
SOURCE_BRIEF = ("source_id", "source__title", "source__url", "source__publisher_id", "source__publisher__name")
APPEARANCE_COLUMNS = ("id", "claim_id", "quote", "start_offset", "end_offset", "claimant", "stated_on",
                      "source__published_on", "source__published_precision", "source__authors",
                      *SOURCE_BRIEF)  # fmt: skip
EVIDENCE_COLUMNS = ("id", "claim_id", "relation", "excerpt", "locator", "source_value", "excerpt_missing_since",
                    *SOURCE_BRIEF)  # fmt: skip
FACETS = ("status", "unit", "claim_type", "publisher")
FACET_LIMIT = 30


# What the public sees: a final verdict that a second person published (claims.services.publication).
PUBLISHED = Q(status__in=VERDICTS, published_at__isnull=False)
# The same, as the claim's search document carries it (ClaimSearch.published_at, kept equal to PUBLISHED by the
# database's triggers, migration claims 0023): a search of the published claims finds, ranks and counts its matches
# in the documents' own index, reading the claims' rows for its page only.
PUBLISHED_IN_SEARCH = Q(search_document__published_at__isnull=False)

ROLE_CACHE_SECONDS = 60
_ROLE_MEMO = "_reads_all_claims"  # the attribute that keeps the answer on the user object for the request

Reader = User | AnonymousUser | None
"""Who reads: request.user (None from code that acts for nobody)."""
Row = dict[str, Any]
"""A row of values() by column name."""


def can_read_all_claims(user: Reader) -> bool:
    """Journalists, fact-checkers and admins read every claim; anyone else only the published verdicts (PUBLISHED).

    The answer is kept on the user object for the request and in the shared cache for ROLE_CACHE_SECONDS (it costs
    two queries otherwise): a role taken away stops counting within a minute.
    """
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    memo = getattr(user, _ROLE_MEMO, None)
    if memo is None and hasattr(user, "_perm_cache"):
        # The permissions are loaded already (a token's user comes with them, factcheck.api.authentication): has_perm
        # answers without a query, so the shared cache's round trip would cost more than it saves.
        memo = user.has_perm("claims.view_claim")
        setattr(user, _ROLE_MEMO, memo)
    if memo is None:
        key = f"desk:reads-all-claims:{user.pk}"
        memo = cache.get(key)
        if memo is None:
            memo = user.has_perm("claims.view_claim")
            cache.set(key, memo, ROLE_CACHE_SECONDS)
        setattr(user, _ROLE_MEMO, memo)
    return bool(memo)


def claim_list(*, user: Reader, filters: QueryDict | dict[str, Any] | None = None) -> QuerySet[Claim]:
    """The claims `user` may see, narrowed by `filters` (the ClaimFilter's parameters), newest change first.

    Raises django.core.exceptions.ValidationError for invalid filters.
    """
    claims = Claim.objects.all()
    searching = bool(filters and str(filters.get("q") or "").strip())
    if not can_read_all_claims(user):
        claims = claims.filter(PUBLISHED_IN_SEARCH if searching else PUBLISHED)
    if filters:
        from .filters import ClaimFilter

        claims = ClaimFilter.apply(filters, claims)
    return claims


def published_claims(*, filters: QueryDict | dict[str, Any] | None = None) -> QuerySet[Claim]:
    """The published fact-checks as the public reads them (whoever asks), narrowed by `filters` (ClaimFilter's
    parameters: q, status, publisher, period_from, period_to): best match first with `q` (the API's search and
    ranking), else newest publication first. Raises ValidationError for invalid filters."""
    claims = claim_list(user=None, filters=filters)
    if "rank" in claims.query.annotations:
        # Ties newest publication first, as the index; read off the documents, so the page is sorted among them alone.
        return claims.order_by(F("rank").desc(), F("search_document__published_at").desc(), "-id")
    return claims.order_by("-published_at", "-id")


# The orders claim_search_ids reads among the search documents: best match first, and the list's own order by last
# change (ClaimOrdering's: ties newest claim first), the claim's updated_at read through the document's key.
_BY_RELEVANCE = ("", "relevance")
_DOCUMENT_ORDERS: dict[str, tuple[Any, ...]] = {
    "updated": (F("claim__updated_at").asc(), F("claim_id").desc()),
    "-updated": (F("claim__updated_at").desc(), F("claim_id").desc()),
}


def search_alone(filters: QueryDict | dict[str, Any] | None, *, orders: Iterable[str] = _BY_RELEVANCE) -> str | None:
    """The words of a search when it is all that `filters` ask for (no other filter) in one of `orders` (`ordering`'s
    values; best match first by default); else None."""
    from .filters import ClaimFilter

    if not filters:
        return None
    named = {name for name in ClaimFilter.base_filters if str(filters.get(name) or "").strip()}
    text = str(filters.get("q") or "").strip()
    if not text or named - {"q", "ordering"} or str(filters.get("ordering") or "").strip() not in orders:
        return None
    return text


def _matched_documents(user: Reader, text: str, *, ranked: bool = True) -> QuerySet[ClaimSearch]:
    """The search documents of the claims `user` may see that match `text`, with their rank unless not `ranked`: the
    same matches and rank as claim_list's `q` (ClaimFilter's search), visibility read off the documents
    (PUBLISHED_IN_SEARCH)."""
    from .filters import search_query

    query = search_query(text)
    documents = ClaimSearch.objects.filter(document=query)
    if not can_read_all_claims(user):
        documents = documents.filter(published_at__isnull=False)
    return documents.annotate(rank=SearchRank(F("document"), query)) if ranked else documents


class HeldSearch:
    """The held word (claims.search_terms) that a search for one word alone is, as one reader reads it: its count and
    its pages above the cut. The held matches are the top of the word's ranking in the same order (migration claims
    0027), so a page read here is the ranking's own page, and the count is exact.

    `reads_all`: every document (a reader who sees every claim), else the published ones, in claim_search_ids's order
    (rank, newest claim); `public`: the public pages' order (rank, newest publication, newest claim). A reader of
    published claims takes the published documents among the staff's held matches: they are the first of the
    published ranking, fewer of them, so fewer pages come from here."""

    def __init__(self, term_id: int, count: int, *, reads_all: bool, public: bool) -> None:
        self.term_id, self.count = term_id, count
        self.reads_all, self.public = reads_all, public

    def page(self, bottom: int, top: int) -> list[int] | None:
        """The ids at positions bottom..top when they are above the cut, else None (the search ranks them)."""
        if top <= bottom:
            return []
        matches = SearchTermMatch.objects.filter(term_id=self.term_id)
        if self.public:
            matches = matches.filter(public=True).order_by("-score", "-published_at", "-claim_id")
        else:
            matches = matches.filter(staff=True).order_by("-score", "-claim_id")
            if not self.reads_all:
                matches = matches.filter(published_at__isnull=False)
        ids = list(matches.values_list("claim_id", flat=True)[bottom:top])
        return ids if len(ids) == top - bottom else None


def held_search(*, text: str, reads_all: bool, public: bool = False) -> HeldSearch | None:
    """The HeldSearch of a search for `text` alone when it is one held word, else None (it is ranked and counted
    as usual). One query: the word's term and its count now (at the cut, plus the changes since: SearchTermCount)."""
    from .filters import search_query

    name = "published" if public or not reads_all else "documents"
    found = (
        SearchTerm.objects.filter(query=Cast(search_query(text), TextField()))
        .annotate(now=F(name) + Coalesce(Sum(f"counts__{name}"), 0))
        .values_list("id", "now")
        .first()
    )
    return None if found is None else HeldSearch(found[0], found[1], reads_all=reads_all, public=public)


def _first_pages(ids: QuerySet[Any, int], *, text: str, reads_all: bool, public: bool = False) -> FirstPages:
    """`ids` (a ranked search for `text` alone) for a paginator: pages and count off the held word when it is one
    (looked up once, when the paginator first asks)."""
    found: list[HeldSearch | None] = []

    def held() -> HeldSearch | None:
        if not found:
            found.append(held_search(text=text, reads_all=reads_all, public=public))
        return found[0]

    return FirstPages(
        ids,
        lambda bottom, top: None if (search := held()) is None else search.page(bottom, top),
        lambda: None if (search := held()) is None else search.count,
    )


def claim_search_ids(
    *, user: Reader, filters: QueryDict | dict[str, Any] | None
) -> QuerySet[Any, int] | FirstPages | None:
    """When `filters` are a search alone (search_alone), the ids of claim_list(user=user, filters=filters) in its
    order, best match first and ties newest claim first, or by last change (`ordering=-updated`, `updated`); else
    None. Call it after claim_list has validated the filters.

    The ids are found, ranked, ordered and counted among the search documents alone, through their own GIN index:
    joined to the claims, PostgreSQL reads every match's claim before it sorts them, thousands of index probes for a
    common word where a page needs twenty. By last change, the page walks the claims' (updated_at, id) index and
    probes each claim's document (a rare word: the GIN index, then a sort of its few matches), and the count, which
    drops the order, reads the documents alone: 10,001 matches of a common word at a million claims counted in
    27 ms, against 58 ms joined to their claims. Best match first, a page above a frequent word's cut is read off its
    held matches (HeldSearch: the count too)."""
    text = search_alone(filters, orders=(*_BY_RELEVANCE, *_DOCUMENT_ORDERS))
    if text is None:
        return None
    by_change = _DOCUMENT_ORDERS.get(str(filters.get("ordering") or "").strip()) if filters else None
    if by_change:
        return _matched_documents(user, text, ranked=False).order_by(*by_change).values_list("claim_id", flat=True)
    documents = _matched_documents(user, text).order_by(F("rank").desc(), F("claim_id").desc())
    return _first_pages(documents.values_list("claim_id", flat=True), text=text, reads_all=can_read_all_claims(user))


def published_claim_ids(*, filters: QueryDict | dict[str, Any] | None = None) -> QuerySet[Any, int] | FirstPages:
    """The ids of published_claims(filters=filters), in its order: a search alone read as claim_search_ids reads it
    (ties newest publication first, as the index; a page above a frequent word's cut off its held matches)."""
    claims = published_claims(filters=filters)  # validates the filters, whichever way the ids are then read
    text = search_alone(filters)
    if text is None:
        return claims.values_list("id", flat=True)
    documents = _matched_documents(None, text)
    documents = documents.order_by(F("rank").desc(), F("published_at").desc(), F("claim_id").desc())
    return _first_pages(documents.values_list("claim_id", flat=True), text=text, reads_all=False, public=True)


def page_rows(ids: Iterable[int]) -> list[Row]:
    """claim_rows of these claims' ids, in the ids' order (a page whose ids were read first)."""
    return claim_page(ids, appearances=False, evidence=False)[0]


def visible_claim(
    *, user: Reader, pk: int, appearances: bool = True, evidence: bool = True
) -> tuple[Row, list[Row], list[Row]] | None:
    """(claim_rows' row, its appearance rows, its evidence rows) of claim `pk` when `user` may see it (claim_list's
    visibility: PUBLISHED unless the reader sees every claim), else None. One query whose SQL is compiled once (a
    detail's, and the answer after each write)."""
    rows, by_claim_appearances, by_claim_evidence = claim_page([pk], appearances=appearances, evidence=evidence)
    if not rows or not (can_read_all_claims(user) or is_published(rows[0])):
        return None
    return rows[0], by_claim_appearances.get(pk, []), by_claim_evidence.get(pk, [])


def visible_claim_row(*, user: Reader, pk: int) -> Row | None:
    """claim_rows of claim `pk` when `user` may see it (visible_claim), else None."""
    found = visible_claim(user=user, pk=pk, appearances=False, evidence=False)
    return None if found is None else found[0]


def removed_claims(*, user: Reader, since: dt.datetime, verdicts_only: bool = False) -> list[Row]:
    """The claims `user` could see that have left their sight after `since`, for a sync by `updated_after`:
    [{"id", "removed_at", "reason"}], oldest first. `reason` is "unpublished" (its verdict unpublished, reopened
    or moved off a verdict: anonymous readers, and with `verdicts_only` every reader, see published verdicts only)
    or "deleted".

    Read from the audit trail (the simple-history rows, claims.history): a row after `since` that takes the claim out
    of sight, whose row before it had it in sight, for a claim out of sight now (one back in sight is in the feed
    itself); the latest such row per claim. One query.
    """
    history = Claim.history.model
    published_only = verdicts_only or not can_read_all_claims(user)
    leaving = history.objects.filter(history_date__gt=since, history_type__in=("~", "-"))
    leaving = (
        leaving.filter(Q(history_type="-") | ~Q(status__in=VERDICTS) | Q(published_at__isnull=True))
        if published_only
        else leaving.filter(history_type="-")
    )
    before = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
    leaving = leaving.annotate(
        before_type=Subquery(before.values("history_type")[:1]),
        before_status=Subquery(before.values("status")[:1]),
        before_published=Subquery(before.values("published_at")[:1]),
    ).filter(before_type__in=("+", "~"))
    if published_only:
        leaving = leaving.filter(before_status__in=VERDICTS, before_published__isnull=False)
    in_sight = claim_list(user=user)
    if verdicts_only:
        in_sight = in_sight.filter(PUBLISHED)
    rows = (
        leaving.exclude(id__in=in_sight.values("id"))
        .order_by("id", "-history_id")
        .distinct("id")
        .values_list("id", "history_date", "history_type")
    )
    removed = [
        {"id": pk, "removed_at": when, "reason": "deleted" if kind == "-" else "unpublished"} for pk, when, kind in rows
    ]
    return sorted(removed, key=lambda row: (row["removed_at"], row["id"]))


def claim_rows(claims: QuerySet[Claim]) -> QuerySet[Claim, Row]:
    """The claims as plain rows with the reviewer's and assignee's usernames joined in."""
    rows: QuerySet[Claim, Row] = claims.values(*CLAIM_COLUMNS)
    return rows


class _Part:
    """One kind of row a page reads by ids: a values() query of `model` whose `key` (the claim's own id for claims,
    its claim's for their children) is among the ids, in `order`."""

    def __init__(self, name: str, model: type[Claim] | type[Appearance] | type[Evidence], columns: tuple[str, ...],
                 *, key: str = "claim_id", order: tuple[str, ...] = ("claim_id", "id")) -> None:  # fmt: skip
        self.name, self.model, self.columns, self.key, self.order = name, model, columns, key, order

    def queryset(self, ids: list[int]) -> QuerySet[Any, Row]:
        rows: QuerySet[Any, Row] = (
            self.model._default_manager.filter(**{f"{self.key}__in": ids}).order_by(*self.order).values(*self.columns)
        )
        return rows


_CLAIMS = _Part("claims", Claim, CLAIM_COLUMNS, key="id", order=())
_APPEARANCES = _Part("appearances", Appearance, APPEARANCE_COLUMNS)
_EVIDENCE = _Part("evidence", Evidence, EVIDENCE_COLUMNS)


class _Compiled:
    """The SQL of several _Parts by the same ids as one statement, compiled once per process, per database backend
    and per combination of parts.

    Compiling an ORM query costs about as much as running it on an indexed lookup, and each query is a round trip:
    a detail read its claim, appearances and evidence in three. Here each part's compiled query is a branch of one
    UNION ALL: every row starts with its part's number and its sort keys, then the columns of every part, NULL
    (typed) outside its own part's. `= ANY(%s)` takes the ids as one array.
    """

    def __init__(self, parts: tuple[_Part, ...], alias: str) -> None:
        connection = connections[alias]
        self.parts, self.name = parts, "rows_" + "_".join(part.name for part in parts)  # (factcheck.prepared)
        compiled = []
        for part in parts:
            compiler = part.queryset([-1]).query.get_compiler(alias)
            sql, params = compiler.as_sql()
            marker = f'"{part.model._meta.db_table}"."{part.key}" IN (%s)'
            if list(params) != [-1] or sql.count(marker) != 1 or len(compiler.select) != len(part.columns):
                raise NotImplementedError(f"{part.name}: the ORM compiled an unexpected query")
            sql = sql.replace(marker, f'"{part.model._meta.db_table}"."{part.key}" = ANY(%s)')
            converters = compiler.get_converters([column[0] for column in compiler.select])
            id_type = part.model._meta.get_field(part.key).db_type(connection) or "bigint"
            compiled.append((sql, converters, f"{id_type}[]"))
        with connection.cursor() as cursor:  # each column's type, for its NULL in the other parts' branches
            oids = []
            for sql, _, _ in compiled:
                cursor.execute(sql, [[]])
                oids += [column.type_code for column in cursor.description]
            cursor.execute("SELECT format_type(oid, NULL) FROM unnest(%s::oid[]) WITH ORDINALITY AS t(oid, n) "
                           "ORDER BY n", [oids])  # fmt: skip
            types = [row[0] for row in cursor.fetchall()]
        widths = [len(part.columns) for part in parts]
        starts = [3 + sum(widths[:i]) for i in range(len(parts))]  # after the part's number and two sort keys
        branches = []
        for i, (part, (sql, _, _)) in enumerate(zip(parts, compiled, strict=True)):
            keys = [f'p."{name}"' for name in part.order[:2]]  # values()' own column names (claim_id, id)
            keys += ["0"] * (2 - len(keys))
            before = [f"NULL::{t}" for t in types[: starts[i] - 3]]
            after = [f"NULL::{t}" for t in types[starts[i] - 3 + widths[i] :]]
            columns = ", ".join([str(i), *keys, *before, "p.*", *after])
            branches.append(f"SELECT {columns} FROM ({sql}) AS p")
        self.sql = " UNION ALL ".join(branches) + " ORDER BY 1, 2, 3"
        self.types = [ids_type for _, _, ids_type in compiled]
        self.slices = [(start, start + width) for start, width in zip(starts, widths, strict=True)]
        self.converters = [converters for _, converters, _ in compiled]

    def read(self, ids: list[int], alias: str) -> dict[str, list[Row]]:
        connection = connections[alias]
        with connection.cursor() as cursor:
            execute_prepared(connection, cursor, self.name, self.sql, self.types, [ids] * len(self.parts))
            raws = cursor.fetchall()
        found: dict[str, list[Row]] = {part.name: [] for part in self.parts}
        plan = [
            (found[part.name].append, part.columns, start, end, converters)
            for part, (start, end), converters in zip(self.parts, self.slices, self.converters, strict=True)
        ]
        for raw in raws:
            add, columns, start, end, converters = plan[raw[0]]
            if not converters:  # most parts: the row's slice is its values (a list and a loop less per row)
                add(dict(zip(columns, raw[start:end], strict=True)))
                continue
            values = list(raw[start:end])
            for position, (functions, expression) in converters.items():
                for convert in functions:
                    values[position] = convert(values[position], expression, connection)
            add(dict(zip(columns, values, strict=True)))
        return found


_COMPILED: dict[tuple[str, tuple[str, ...]], _Compiled | None] = {}


def _read(ids: Iterable[int], parts: tuple[_Part, ...]) -> dict[str, list[Row]]:
    """{part name: its rows} of these ids, each part in its order: one query (none for no ids or no parts)."""
    ids = list(ids)
    if not ids or not parts:
        return {part.name: [] for part in parts}
    alias = router.db_for_read(parts[0].model)
    key = (alias, tuple(part.name for part in parts))
    if key not in _COMPILED:
        try:
            _COMPILED[key] = _Compiled(parts, alias)
        except NotImplementedError:  # an ORM that compiles differently: stay correct, one query a part
            _COMPILED[key] = None
    compiled = _COMPILED[key]
    if compiled is None:
        return {part.name: list(part.queryset(ids)) for part in parts}
    return compiled.read(ids, alias)


def _by_claim(rows: list[Row]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["claim_id"]].append(row)
    return grouped


def _parts(claims: bool, appearances: bool, evidence: bool) -> tuple[_Part, ...]:
    wanted = ((claims, _CLAIMS), (appearances, _APPEARANCES), (evidence, _EVIDENCE))
    return tuple(part for asked, part in wanted if asked)


def claim_page(
    ids: Iterable[int], *, appearances: bool = True, evidence: bool = True
) -> tuple[list[Row], dict[int, list[Row]], dict[int, list[Row]]]:
    """(claim_rows of these ids in the ids' order, dropping any gone; {claim id: [appearance rows]}, {claim id:
    [evidence rows]}, each claim's in id order, empty unless asked for): one query."""
    ids = list(ids)
    found = _read(ids, _parts(True, appearances, evidence))
    by_id = {row["id"]: row for row in found["claims"]}
    rows = [by_id[pk] for pk in ids if pk in by_id]
    return rows, _by_claim(found.get("appearances", [])), _by_claim(found.get("evidence", []))


def related_rows(
    claim_ids: Iterable[int], *, appearances: bool = True, evidence: bool = True
) -> tuple[dict[int, list[Row]], dict[int, list[Row]]]:
    """({claim id: [appearance rows]}, {claim id: [evidence rows]}) for a page of claims, each in id order: one
    query."""
    found = _read(claim_ids, _parts(False, appearances, evidence))
    return _by_claim(found.get("appearances", [])), _by_claim(found.get("evidence", []))


def claim_facets(claims: QuerySet[Claim], names: Iterable[str]) -> dict[str, list[Row]]:
    """Counts of the matching claims per value of each facet (at most FACET_LIMIT values, most frequent first)."""
    claims = claims.order_by()
    facets: dict[str, list[Row]] = {}
    for name in names:
        if name == "publisher":
            rows = (
                Appearance.objects.filter(claim_id__in=claims.values("id"), source__publisher__isnull=False)
                .values("source__publisher_id", "source__publisher__name")
                .annotate(count=Count("claim_id", distinct=True))
                .order_by("-count", "source__publisher__name")[:FACET_LIMIT]
            )
            facets[name] = [
                {"value": r["source__publisher_id"], "label": r["source__publisher__name"], "count": r["count"]}
                for r in rows
            ]
            continue
        field = Claim._meta.get_field(name)
        labels = dict((field.choices if isinstance(field, Field) else None) or ())
        rows = claims.values(name).annotate(count=Count("id")).order_by("-count", name)[:FACET_LIMIT]
        facets[name] = [_facet_value(name, r[name], labels, r["count"]) for r in rows]
    return facets


def _facet_value(name: str, value: Any, labels: dict[Any, Any], count: int) -> Row:
    """A facet's entry, whose value filters to exactly its count: claims without a unit are `unit=none`."""
    if name == "unit" and value == "":
        return {"value": NO_UNIT, "label": NO_UNIT_LABEL, "count": count}
    return {"value": value, "label": str(labels.get(value, value)), "count": count}


def visible_claims_exist(user: Reader, **link: Any) -> Exists | None:
    """None when the user sees every claim; otherwise an Exists() over the visible claims matching `link`."""
    if can_read_all_claims(user):
        return None
    return Exists(Claim.objects.filter(PUBLISHED, **link))


def source_list(*, user: Reader) -> QuerySet[Source]:
    """Sources; anonymous clients see those that a published claim appears in or cites."""
    sources = Source.objects.select_related("publisher").defer("text")
    cited = visible_claims_exist(user, appearances__source=OuterRef("pk"))
    if cited is not None:
        evidence = Exists(Claim.objects.filter(PUBLISHED, evidence__source=OuterRef("pk")))
        sources = sources.filter(cited | evidence)
    return sources


def publisher_list(*, user: Reader) -> QuerySet[Publisher]:
    """Publishers; anonymous clients see those of the sources they see."""
    publishers = Publisher.objects.all()
    if not can_read_all_claims(user):
        publishers = publishers.filter(Exists(source_list(user=user).filter(publisher=OuterRef("pk"))))
    return publishers


def evidence_list(*, user: Reader) -> QuerySet[Evidence]:
    """Evidence of the claims the user may see, with its source and publisher."""
    evidence = Evidence.objects.select_related("source__publisher", "claim").defer("source__text")
    if not can_read_all_claims(user):
        evidence = evidence.filter(claim__status__in=VERDICTS, claim__published_at__isnull=False)
    return evidence


def appearance_list(*, user: Reader) -> QuerySet[Appearance]:
    """Appearances of the claims the user may see, with their source and publisher."""
    appearances = Appearance.objects.select_related("source__publisher").defer("source__text")
    if not can_read_all_claims(user):
        appearances = appearances.filter(claim__status__in=VERDICTS, claim__published_at__isnull=False)
    return appearances


# The claim's columns beside each public appearance or evidence row: enough for its headline, figure and verdict label.
PUBLIC_CLAIM_COLUMNS = tuple(
    f"claim__{name}"
    for name in ("subject", "value", "unit", "qualifier", "lower_bound", "upper_bound", "period", "status",
                 "textual_rating", "published_at")
)  # fmt: skip
PUBLIC_APPEARANCE_COLUMNS = ("id", "claim_id", "quote", "claimant", "stated_on", "source__published_on",
                             "source__published_precision", *SOURCE_BRIEF, *PUBLIC_CLAIM_COLUMNS)  # fmt: skip
PUBLIC_EVIDENCE_COLUMNS = ("id", "claim_id", "relation", "excerpt", "locator", "source_value", *SOURCE_BRIEF,
                           *PUBLIC_CLAIM_COLUMNS)  # fmt: skip


def _in_source_or_publisher(rows: QuerySet[Any], source: int | None, publisher: int | None) -> QuerySet[Any]:
    if source is not None:
        rows = rows.filter(source_id=source)
    if publisher is not None:
        rows = rows.filter(source__publisher_id=publisher)
    return rows


def published_appearances(*, source: int | None = None, publisher: int | None = None) -> QuerySet[Appearance, Row]:
    """What was stated in a source, or in the sources of a publisher, that the public may read: the appearances of
    published fact-checks (appearance_list for nobody), as rows with their claim's columns (`claim__subject`, …),
    newest publication first."""
    appearances = _in_source_or_publisher(appearance_list(user=None), source, publisher)
    rows: QuerySet[Appearance, Row] = appearances.order_by("-claim__published_at", "claim_id", "id").values(
        *PUBLIC_APPEARANCE_COLUMNS
    )
    return rows


def published_evidence(*, source: int | None = None, publisher: int | None = None) -> QuerySet[Evidence, Row]:
    """What a source, or the sources of a publisher, is evidence for in the public's sight: the evidence of published
    fact-checks (evidence_list for nobody), as rows with their claim's columns, newest publication first."""
    evidence = _in_source_or_publisher(evidence_list(user=None), source, publisher)
    rows: QuerySet[Evidence, Row] = evidence.order_by("-claim__published_at", "claim_id", "id").values(
        *PUBLIC_EVIDENCE_COLUMNS
    )
    return rows


def assignable_users() -> QuerySet[Any]:
    """The active users claims can be assigned to (claims.roles.takes_claims), by name: the assignee choices."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=ASSIGNABLE_ROLES) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("username")
    )
