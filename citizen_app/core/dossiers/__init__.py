"""Dossiers: drafts, submission, and the lifecycle state machine.

Pages call these (every function that touches the database takes the Session
first and does not commit; wrap calls in ``citizen_app.db.engine.unit_of_work()``)::

    from citizen_app.core import dossiers
    actor = dossiers.Actor.citizen(user)              # or Actor.staff(user)
    view = dossiers.start_draft(db, actor, terms, profile, now=now)
    dossiers.save_draft(db, view.dossier_id, actor, {"phone": "0912…"}, view.form_version, now=now)
    result = dossiers.submit(db, view.dossier_id, actor, submission_key=key, terms=terms,
                             profile=profile, now=now)
    dossiers.fire(db, dossier_id, "received", dossiers.Actor.staff(officer), now=now)
"""

from citizen_app.core.dossiers.access import Actor, can_read, record_denial, require_read, serves
from citizen_app.core.dossiers.drafts import (
    DraftView,
    PurgeReport,
    SaveResult,
    discard_draft,
    purge_stale_drafts,
    resume_draft,
    save_draft,
    start_draft,
)
from citizen_app.core.dossiers.errors import (
    AccessDenied,
    ConcurrentChange,
    DossierError,
    DossierNotFound,
    DraftTooLarge,
    FormChanged,
    InvalidTransition,
    NoteRequired,
    ResultRequired,
    StatusMoved,
    SubmissionKeyReused,
    ValidationFailed,
)
from citizen_app.core.dossiers.lifecycle import (
    TRANSITIONS,
    Transition,
    allowed_targets,
    approve,
    delay,
    delay_to_day,
    fire,
    hand_over,
    is_overdue,
    mark_result_ready,
    overdue_clause,
    overdue_dossiers,
    perform,
    receive,
    reject,
    start_processing,
    timeline,
    withdraw,
)
from citizen_app.core.dossiers.queries import (
    MyApplications,
    PublicStatus,
    applicant_dossiers,
    open_by_code,
    open_by_token,
    public_lookup,
    staff_agency_code,
    staff_scope,
)
from citizen_app.core.dossiers.results import ResultPickup, pickup_of
from citizen_app.core.dossiers.submission import SubmissionResult, submit
from citizen_app.core.dossiers.supplements import request_supplement, respond_to_supplement
from citizen_app.core.dossiers.terms import DocumentTerm, ProcedureTerms
from citizen_app.core.statuses import (
    AGENCY_OWES,
    IN_PROGRESS,
    STATUS_TABLE,
    STATUSES,
    TERMINAL,
    StatusFacts,
    status_label,
)

__all__ = [
    "AGENCY_OWES",
    "IN_PROGRESS",
    "STATUSES",
    "STATUS_TABLE",
    "TERMINAL",
    "TRANSITIONS",
    "AccessDenied",
    "Actor",
    "ConcurrentChange",
    "DocumentTerm",
    "DossierError",
    "DossierNotFound",
    "DraftTooLarge",
    "DraftView",
    "FormChanged",
    "InvalidTransition",
    "MyApplications",
    "NoteRequired",
    "ProcedureTerms",
    "PublicStatus",
    "PurgeReport",
    "ResultPickup",
    "ResultRequired",
    "SaveResult",
    "StatusFacts",
    "StatusMoved",
    "SubmissionKeyReused",
    "SubmissionResult",
    "Transition",
    "ValidationFailed",
    "allowed_targets",
    "applicant_dossiers",
    "approve",
    "can_read",
    "delay",
    "delay_to_day",
    "discard_draft",
    "fire",
    "hand_over",
    "is_overdue",
    "mark_result_ready",
    "open_by_code",
    "open_by_token",
    "overdue_clause",
    "overdue_dossiers",
    "perform",
    "pickup_of",
    "public_lookup",
    "purge_stale_drafts",
    "receive",
    "record_denial",
    "reject",
    "request_supplement",
    "require_read",
    "respond_to_supplement",
    "resume_draft",
    "save_draft",
    "serves",
    "staff_agency_code",
    "staff_scope",
    "start_draft",
    "start_processing",
    "status_label",
    "submit",
    "timeline",
    "withdraw",
]
