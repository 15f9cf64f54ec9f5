"""The claims' business rules and every write to claims, appearances and evidence, split by concept:

- workflow: status moves (claim_transition, the only writer of `status`), the statuses of imported claims,
  assignment, withdrawal, who may delete;
- editing: create, change and delete claims, appearances and evidence (claim_change: one save, one version);
- versions: the version check (claim_lock, the one comparison with the editor's version) and the version bump
  in the database;
- verdicts: the verdict lock (what a standing verdict rests on can't change until the claim is reopened);
- circular: circular verification (evidence from a source the claim appears in can't support or contradict it);
- publication: publishing, unpublishing and correcting a verdict (by a second person);
- trail: the audit trail's actor and change reason, set the same way from every door;
- intake: an article's candidate figures accepted as claims, attached to existing ones, or dismissed.

Import from here: `from claims.services import claim_transition, evidence_save, VerdictLocked`.
"""

from ..choices import DECISIVE_RELATIONS
from .circular import (
    CircularEvidence,
    circular_appearance_problem,
    circular_evidence_problem,
    circular_verdict_problem,
    independent_evidence,
)
from .editing import (
    CLAIM_EDITABLE,
    ChildMoveRefused,
    ClaimChange,
    ClaimDeleteRefused,
    appearance_save,
    child_delete,
    claim_change,
    claim_create,
    claim_delete,
    claim_update,
    evidence_excerpt_flags,
    evidence_save,
    fill_claim,
)
from .intake import (
    CandidateGone,
    CandidateRefused,
    CandidateTaken,
    IntakeForbidden,
    ReviewCandidate,
    accept_candidate,
    accept_candidates,
    attach_candidate,
    dismiss_candidate,
    parse_span_key,
    pending_candidates,
    span_key,
)
from .publication import (
    CORRECT,
    PUBLISH,
    UNPUBLISH,
    allowed_publication_moves,
    claim_correct,
    claim_publish,
    claim_unpublish,
    publication_problem,
)
from .trail import ADMIN, API, COMMAND, Actor, audit_next_save
from .verdicts import VerdictLocked, child_lock_problem, verdict_lock_problem
from .versions import StaleVersion, claim_lock, claim_take_version, claim_version_bump, last_change, lock_claims
from .workflow import (
    ImportedStatus,
    TransitionError,
    allowed_moves,
    can_delete_claim,
    claim_assign,
    claim_is_reviewed,
    claim_transition,
    claim_withdraw,
    claims_move_for_import,
    decisive_evidence_record,
    imported_status_reason,
    status_label,
    status_path,
    statuses_of_imported_claims,
    transition_problem,
    verdict_fields,
)

__all__ = [
    "CandidateGone",
    "CandidateRefused",
    "CandidateTaken",
    "IntakeForbidden",
    "ReviewCandidate",
    "accept_candidate",
    "accept_candidates",
    "attach_candidate",
    "dismiss_candidate",
    "parse_span_key",
    "pending_candidates",
    "span_key",
    "CORRECT",
    "PUBLISH",
    "UNPUBLISH",
    "allowed_publication_moves",
    "claim_correct",
    "claim_publish",
    "claim_unpublish",
    "publication_problem",
    "ADMIN",
    "API",
    "CLAIM_EDITABLE",
    "COMMAND",
    "DECISIVE_RELATIONS",
    "Actor",
    "CircularEvidence",
    "ChildMoveRefused",
    "ClaimChange",
    "ClaimDeleteRefused",
    "StaleVersion",
    "TransitionError",
    "VerdictLocked",
    "allowed_moves",
    "appearance_save",
    "audit_next_save",
    "can_delete_claim",
    "child_delete",
    "child_lock_problem",
    "circular_appearance_problem",
    "circular_evidence_problem",
    "circular_verdict_problem",
    "claim_assign",
    "claim_change",
    "claim_create",
    "claim_delete",
    "claim_is_reviewed",
    "claim_lock",
    "claim_take_version",
    "claim_transition",
    "claim_update",
    "claim_version_bump",
    "claim_withdraw",
    "claims_move_for_import",
    "decisive_evidence_record",
    "evidence_excerpt_flags",
    "evidence_save",
    "fill_claim",
    "imported_status_reason",
    "independent_evidence",
    "last_change",
    "lock_claims",
    "status_label",
    "status_path",
    "statuses_of_imported_claims",
    "verdict_fields",
    "ImportedStatus",
    "transition_problem",
    "verdict_lock_problem",
]
