"""The rules of an appearance that every output follows: when the claim was made, who made it, which came first.

The admin works with model instances and the API with plain rows (claims.selectors), so these functions take the
values themselves; claims.models.Appearance and claims.api.representation call them for their own shapes.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

T = TypeVar("T")


def appearance_date(stated_on: dt.date | None, published_on: dt.date | None) -> dt.date | None:
    """When the claim was made there: the date stated on the appearance, else its source's publication date."""
    return stated_on or published_on


@dataclass(frozen=True)
class Claimant:
    """Who made a claim, as schema.org types it: a Person (the named claimant or the author) or an Organization."""

    name: str
    kind: Literal["Person", "Organization"]


def claimant_of(*, claimant: str, authors: Sequence[str] | None, publisher: str | None) -> Claimant | None:
    """Who made the claim: the appearance's claimant, else its source's first author, else the source's publisher.

    An author is named when the claimant is not, because the article's author speaks in it; the publisher answers
    for an unsigned piece. None when the source names nobody.
    """
    if claimant:
        return Claimant(claimant, "Person")
    if authors:
        return Claimant(str(authors[0]), "Person")
    if publisher:
        return Claimant(publisher, "Organization")
    return None


def first_appearance(
    appearances: Iterable[T], *, date_of: Callable[[T], dt.date | None], id_of: Callable[[T], int]
) -> T | None:
    """The earliest appearance by its date (appearance_date), undated ones last, ties broken by id."""

    def order(appearance: T) -> tuple[bool, dt.date, int]:
        when = date_of(appearance)
        return (when is None, when or dt.date.min, id_of(appearance))

    return min(appearances, key=order, default=None)
