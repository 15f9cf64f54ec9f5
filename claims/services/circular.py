"""Circular verification: a claim is not checked against the article that states it.

Evidence from a source the claim appears in (the source of any of the claim's appearances) repeats the claim; it
doesn't check it. Such a link may be "cited" or "context", but it can't support or contradict the claim. The rule
has two sides, each refused with a sentence naming the source:
- evidence that supports or contradicts a claim, from a source the claim appears in (circular_evidence_problem,
  on the evidence's relation);
- an appearance of the claim in a source that already supports or contradicts it (circular_appearance_problem,
  on the appearance's source).

Every door asks these functions: the admin's claim page judges the page as it will be saved (its posted
appearances and evidence together, claims.admin.forms), the evidence's own page its one link; the services check
the claim's rows at the end of each change (editing.ClaimChange, so that the order in which one save writes its
rows doesn't matter), which is what the API and every other caller meet; the importer checks each batch against
what is written before it (a flush writes appearances before evidence).

Which writes are judged: a piece of evidence that is added or changed while it supports or contradicts; an
appearance that is added or moved to another source. Circular evidence linked before the rule (existing data) is
left as it is until someone edits it, but no verdict rests on it: the workflow counts only independent_evidence,
and a verdict that has nothing else is refused with circular_verdict_problem's reason.
"""

from collections.abc import Iterable, Sequence

from django.db.models import Exists, OuterRef, QuerySet

from factcheck.errors import DeskError

from ..choices import DECISIVE_RELATIONS, EvidenceRelation
from ..models import Appearance, Evidence

SAME_SOURCE_REASON = "an article can't check what it states itself"
VERBS = {str(EvidenceRelation.SUPPORTS): "support", str(EvidenceRelation.CONTRADICTS): "contradict"}


class CircularEvidence(DeskError):
    """Evidence from a source the claim appears in, linked as supporting or contradicting it (or an appearance
    that would make existing evidence so)."""

    status_code = 400
    code = "circular_evidence"


def _named(source: object) -> str:
    return f"“{source}”"


def circular_evidence_problem(*, relation: str, source: object, appears_in_source: bool) -> str | None:
    """Why evidence from `source` with this relation can't be linked to the claim, or None when it may.
    `appears_in_source`: the claim appears in that source (as the change will leave it)."""
    if relation not in DECISIVE_RELATIONS or not appears_in_source:
        return None
    return (
        f"The claim appears in {_named(source)}, so that source can't {VERBS[relation]} it: {SAME_SOURCE_REASON}. "
        "Link it as “cited” or “context”, or take the evidence from another source."
    )


def circular_appearance_problem(*, source: object, relations: Iterable[str]) -> str | None:
    """Why the claim can't appear in `source`, which is evidence for it with these relations, or None."""
    judging = [relation for relation in VERBS if relation in set(relations)]
    if not judging:
        return None
    verbs = " and ".join(f"{VERBS[relation]}s" for relation in judging)
    return (
        f"{_named(source)} is evidence that {verbs} this claim, so the claim can't appear in it: {SAME_SOURCE_REASON}. "
        "Change that evidence to “cited” or “context” first."
    )


def circular_verdict_problem(*, state: str, sources: Sequence[object]) -> str:
    """Why a verdict (`state`, as people read it: "verified") is refused when the only evidence that supports or
    contradicts the claim comes from sources the claim appears in."""
    names = ", ".join(_named(source) for source in sources)
    them = "that source" if len(sources) == 1 else "those sources"
    return (
        f"To mark a claim {state}, first add evidence that supports or contradicts it from another source, with the "
        f"excerpt: the claim appears in {names}, so the evidence from {them} doesn't count ({SAME_SOURCE_REASON})."
    )


def _claim_appears_in_its_source() -> Exists:
    return Exists(Appearance.objects.filter(claim_id=OuterRef("claim_id"), source_id=OuterRef("source_id")))


def independent_evidence(evidence: "QuerySet[Evidence]") -> "QuerySet[Evidence]":
    """The links of `evidence` whose source none of their claim's appearances is in: the ones that may judge it."""
    return evidence.exclude(_claim_appears_in_its_source())


def circular_evidence(evidence: "QuerySet[Evidence]") -> "QuerySet[Evidence]":
    """The links of `evidence` that support or contradict their claim from a source it appears in (data linked
    before the rule, or a change about to be refused)."""
    return evidence.filter(relation__in=DECISIVE_RELATIONS).filter(_claim_appears_in_its_source())
