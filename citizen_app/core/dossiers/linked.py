"""Sending a linked application (life events, issue 12): the group's checks, the submission, the parts.

Not in ``chain`` because it submits (``submission`` imports the lifecycle, which calls ``chain``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from citizen_app.core.dossiers import chain
from citizen_app.core.dossiers.access import Actor
from citizen_app.core.dossiers.errors import ValidationFailed
from citizen_app.core.dossiers.lifecycle import load
from citizen_app.core.dossiers.submission import SubmissionResult, UnitNames, submit
from citizen_app.core.dossiers.terms import ProcedureTerms
from citizen_app.core.forms.validation import CommuneChecker
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.core.identity.profile_view import ProfileView
from citizen_app.core.life_events.groups import LinkedGroup


def submit_group(
    db: Session,
    draft_id: int,
    actor: Actor,
    group: LinkedGroup,
    terms: ProcedureTerms,
    profile: ProfileView | None,
    *,
    submission_key: str,
    now: datetime,
    communes: CommuneChecker | bool | None = None,
    names: tuple[UnitNames, UnitNames] | None = None,
) -> SubmissionResult:
    """Check what the group refuses, submit the umbrella (received by the chosen commune, any of the
    province), then start its parts; idempotent like :func:`submit` (a repeat starts nothing)."""
    draft = load(db, draft_id)
    answers = draft.answers or {}
    if draft.status == "draft":
        errors = chain.group_errors(group, answers, now.astimezone(VIETNAM_TZ).date())
        if errors:
            raise ValidationFailed(errors)
    result = submit(
        db, draft_id, actor, submission_key=submission_key, terms=terms, profile=profile, now=now,
        receiving_commune=chain.receiving_place(group, answers), communes=communes, names=names,
    )
    if result.created:
        chain.start_chain(db, result.dossier, group, actor, now=now, names=names)
    return result
