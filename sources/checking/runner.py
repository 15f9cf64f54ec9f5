"""Runs the fetches of a check run on a pool of threads and hands back each outcome as soon as it is ready.

The threads only fetch and read pages; the caller records each outcome (in its own thread, so the database
is used from one thread only). At most `concurrency` requests are in flight overall (one per thread) and
HostSlots keeps it to `limits.per_host` per host. Closing the generator early (an exception in the caller,
Ctrl-C) cancels the fetches not yet done and waits for the running ones to notice.
"""

import logging
import threading
from collections import OrderedDict
from collections.abc import Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import zip_longest
from urllib.parse import urlsplit

from .fetch import CheckCancelled, Fetcher, FetchResult, HostSlots
from .limits import CheckLimits
from .pages import Page, read_page
from .transport import new_session

logger = logging.getLogger(__name__)


@dataclass
class CheckOutcome:
    """A source's fetch and, for a complete 2xx body, the page read from it (the body itself is dropped)."""

    source_id: int
    result: FetchResult
    page: Page | None


def interleave_by_host(items: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Round-robin over hosts, so that the threads are not all queued behind one host's two slots."""
    by_host: OrderedDict[str, list] = OrderedDict()
    for item in items:
        by_host.setdefault((urlsplit(item[1]).hostname or "").lower(), []).append(item)
    return [item for group in zip_longest(*by_host.values()) for item in group if item is not None]


def check_outcome(fetcher: Fetcher, source_id: int, url: str) -> CheckOutcome:
    """Fetch one URL and read its page. Raises only CheckCancelled."""
    result = fetcher.fetch(url)
    page = None
    if result.body is not None:
        try:
            page = read_page(result.body, content_type=result.content_type)
        except Exception as exc:  # noqa: BLE001 - a page we cannot read is a note, not a crash
            logger.exception("reading the page of source %s (%s)", source_id, url)
            result.notes.append(f"the page could not be read: {exc.__class__.__name__}: {exc}")
        result.body = None
    return CheckOutcome(source_id=source_id, result=result, page=page)


def fetch_sources(
    items: Iterable[tuple[int, str]], *, concurrency: int, limits: CheckLimits
) -> Generator[CheckOutcome, None, None]:
    """Yield a CheckOutcome for each (source id, URL) as its fetch finishes, in no fixed order."""
    concurrency = max(1, concurrency)
    cancel = threading.Event()
    slots = HostSlots(limits.per_host)
    local = threading.local()
    sessions, sessions_lock = [], threading.Lock()

    def work(source_id: int, url: str) -> CheckOutcome | None:
        fetcher = getattr(local, "fetcher", None)
        if fetcher is None:
            session = new_session(user_agent=limits.user_agent, pool_size=max(10, concurrency))
            with sessions_lock:
                sessions.append(session)
            fetcher = local.fetcher = Fetcher(session=session, limits=limits, slots=slots, cancel=cancel)
        try:
            return check_outcome(fetcher, source_id, url)
        except CheckCancelled:
            return None

    queue = iter(interleave_by_host(items))
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="source-check")
    pending: dict[Future, tuple[int, str]] = {}

    def top_up():
        # A bounded window: finished outcomes (with page texts) never pile up far ahead of the caller.
        while len(pending) < 2 * concurrency:
            item = next(queue, None)
            if item is None:
                return
            pending[pool.submit(work, *item)] = item

    try:
        top_up()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                source_id, url = pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - a bug in one fetch is recorded, not a crash of the run
                    logger.exception("checking source %s (%s)", source_id, url)
                    result = FetchResult(
                        url=url,
                        failure="unreachable",
                        error="The check failed because of an error on our side (it is in the log)",
                        error_detail=f"check failed: {exc!r}",
                    )
                    outcome = CheckOutcome(source_id=source_id, result=result, page=None)
                if outcome is not None:
                    yield outcome
            top_up()
    finally:
        cancel.set()
        pool.shutdown(wait=True, cancel_futures=True)
        for session in sessions:
            session.close()
