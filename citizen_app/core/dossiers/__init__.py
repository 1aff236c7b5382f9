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
    SubmissionKeyReused,
    ValidationFailed,
)
from citizen_app.core.dossiers.lifecycle import (
    TRANSITIONS,
    Transition,
    allowed_targets,
    delay,
    fire,
    is_overdue,
    overdue_clause,
    overdue_dossiers,
    reject,
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
    "SaveResult",
    "StatusFacts",
    "SubmissionKeyReused",
    "SubmissionResult",
    "Transition",
    "ValidationFailed",
    "allowed_targets",
    "applicant_dossiers",
    "can_read",
    "delay",
    "discard_draft",
    "fire",
    "is_overdue",
    "open_by_code",
    "open_by_token",
    "overdue_clause",
    "overdue_dossiers",
    "public_lookup",
    "purge_stale_drafts",
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
    "status_label",
    "submit",
    "timeline",
    "withdraw",
]
