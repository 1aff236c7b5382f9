"""The competent unit handles feedback: its inbox, one message, the answer, and publication.

Who may do what:

* **Answer or decline**: staff of the competent unit (the agency the message was sent to),
  and supervisors whose area holds it (a province supervisor: every unit of the province;
  a commune supervisor: their commune).
* **Publish** (and take back) an answer: those supervisors only, and only when the sender
  agreed to publication. What is published is three texts the supervisor checked
  (title, question, answer), with personal data removed again by :func:`rules.redact`
  whatever she typed; the sender's name and contact details are never among them.

Every refusal is written to the audit trail (``outcome="denied"``) and raises
:class:`FeedbackRefused`; someone who may not see a message learns nothing about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.agencies import InvalidAgencyCode, parse_agency_code
from citizen_app.core.attachments import Download
from citizen_app.core.dossiers.access import Actor, record_denial
from citizen_app.core.dossiers.queries import staff_agency_code
from citizen_app.core.feedback import rules
from citizen_app.core.feedback.errors import (
    FeedbackInvalid,
    FeedbackNotFound,
    FeedbackRefused,
    FeedbackStateError,
)
from citizen_app.core.i18n import Msg
from citizen_app.core.storage import FileMissing, get_storage, key_for
from citizen_app.core.text import tokenize
from citizen_app.db.models.feedback import Feedback
from citizen_app.settings import Settings, get_settings

VIEWS: tuple[str, ...] = ("open", "answered", "published", "declined", "all")
PAGE_SIZE = 20


@dataclass(frozen=True)
class InboxRow:
    code: str
    title: str
    topic: str
    subject_type: str
    unit_name: dict[str, str]
    status: str
    received_at: datetime
    due_at: datetime
    overdue: bool
    published: bool


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    total: int
    page: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return (self.page + 1) * self.page_size < self.total


@dataclass(frozen=True)
class StaffFeedback:
    """One message as its handlers see it: personal data included, and what this reader may do."""

    code: str
    subject_type: str
    procedure_code: str | None
    procedure_name: dict[str, str] | None
    dossier_code: str | None
    topic: str
    title: str
    content: str
    place: str | None
    unit_name: dict[str, str]
    sender_name: str
    sender_phone: str | None
    sender_email: str | None
    may_publish: bool
    has_photo: bool
    status: str
    received_at: datetime
    due_at: datetime
    due_provisional: bool
    overdue: bool
    answer: str | None
    answered_at: datetime | None
    decline_reason: str | None
    published_at: datetime | None
    public_title: str | None
    public_question: str | None
    public_answer: str | None
    can_answer: bool
    can_publish: bool
    can_unpublish: bool
    # Suggested public texts (personal data removed) for the supervisor to check before publishing.
    draft_public_title: str
    draft_public_question: str
    draft_public_answer: str


# --- who may do what ---------------------------------------------------------------------------------


def _in_supervisor_area(actor: Actor, feedback: Feedback) -> bool:
    if actor.role != "supervisor" or not actor.unit_code:
        return False
    if actor.unit_level == "province":
        return feedback.province_code == actor.unit_code
    if actor.unit_level == "commune":
        return feedback.commune_code == actor.unit_code
    return False


def may_handle(actor: Actor, feedback: Feedback) -> bool:
    if not actor.is_staff:
        return False
    if _in_supervisor_area(actor, feedback):
        return True
    try:
        agency = parse_agency_code(feedback.agency_code)
    except InvalidAgencyCode:
        return False
    return agency.served_by(actor.unit_level, actor.unit_code)


def may_publish(actor: Actor, feedback: Feedback) -> bool:
    return _in_supervisor_area(actor, feedback)


def _refuse(db: Session, actor: Actor, action: str, feedback: Feedback | None, reason: str) -> FeedbackRefused:
    record_denial(
        db,
        action=action,
        actor=actor,
        target_type="feedback",
        target_id=str(feedback.id) if feedback else None,
        details={"reason": reason},
    )
    return FeedbackRefused(detail=f"{action} denied to {actor.role}: {reason}")


def _load(db: Session, code: str, actor: Actor, action: str, *, publishing: bool = False) -> Feedback:
    normalized = rules.normalize_code(code)
    feedback = db.scalar(select(Feedback).where(Feedback.code == normalized)) if normalized else None
    if feedback is None:
        raise FeedbackNotFound(detail=f"no feedback {code!r}")
    allowed = may_publish(actor, feedback) if publishing else may_handle(actor, feedback)
    if not allowed:
        raise _refuse(db, actor, action, feedback, "not the competent unit" if not publishing else "not its supervisor")
    return feedback


def _scope(actor: Actor, province_of: Callable[[str], str | None] | None = None) -> ColumnElement[bool]:
    """The messages this staff member's inbox holds."""
    if actor.role == "supervisor" and actor.unit_code and actor.unit_level == "province":
        return Feedback.province_code == actor.unit_code
    if actor.role == "supervisor" and actor.unit_code and actor.unit_level == "commune":
        return Feedback.commune_code == actor.unit_code
    code = staff_agency_code(actor, province_of)
    return Feedback.agency_code == code if code else false()


def _view_condition(view: str) -> ColumnElement[bool]:
    if view == "open":
        return Feedback.status == "received"
    if view == "answered":
        return and_(Feedback.status == "answered", Feedback.published_at.is_(None))
    if view == "published":
        return Feedback.published_at.is_not(None)
    if view == "declined":
        return Feedback.status == "declined"
    return Feedback.id.is_not(None)


# --- reading -----------------------------------------------------------------------------------------


def inbox(
    db: Session,
    actor: Actor,
    *,
    view: str = "open",
    page: int = 0,
    now: datetime,
    page_size: int = PAGE_SIZE,
    province_of: Callable[[str], str | None] | None = None,
) -> Inbox:
    """The messages of the reader's unit (or supervisor's area): open ones by due date, others newest first."""
    if not actor.is_staff:
        raise _refuse(db, actor, "feedback.inbox", None, "not staff")
    view = view if view in VIEWS else "open"
    page = max(page, 0)
    where = and_(_scope(actor, province_of), _view_condition(view))
    total = int(db.scalar(select(func.count(Feedback.id)).where(where)) or 0)
    order = (Feedback.due_at, Feedback.id) if view == "open" else (Feedback.received_at.desc(), Feedback.id.desc())
    rows = db.scalars(select(Feedback).where(where).order_by(*order).limit(page_size).offset(page * page_size))
    return Inbox(
        rows=[
            InboxRow(
                code=f.code,
                title=f.title,
                topic=f.topic,
                subject_type=f.subject_type,
                unit_name=dict(f.unit_name or {}),
                status=f.status,
                received_at=f.received_at,
                due_at=f.due_at,
                overdue=f.status == "received" and f.due_at < now,
                published=f.published_at is not None,
            )
            for f in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )


def suggested_public_texts(feedback: Feedback) -> tuple[str, str, str]:
    names = (feedback.sender_name,)
    return (
        rules.redact(feedback.title, names),
        rules.redact(feedback.content, names),
        rules.redact(feedback.answer or "", names),
    )


def open_feedback(db: Session, code: str, actor: Actor, *, now: datetime) -> StaffFeedback:
    feedback = _load(db, code, actor, "feedback.open")
    title, question, answer = suggested_public_texts(feedback)
    return StaffFeedback(
        code=feedback.code,
        subject_type=feedback.subject_type,
        procedure_code=feedback.procedure_code,
        procedure_name=dict(feedback.procedure_name) if feedback.procedure_name else None,
        dossier_code=feedback.dossier_code,
        topic=feedback.topic,
        title=feedback.title,
        content=feedback.content,
        place=feedback.place,
        unit_name=dict(feedback.unit_name or {}),
        sender_name=feedback.sender_name,
        sender_phone=feedback.sender_phone,
        sender_email=feedback.sender_email,
        may_publish=feedback.may_publish,
        has_photo=feedback.photo_stored_name is not None,
        status=feedback.status,
        received_at=feedback.received_at,
        due_at=feedback.due_at,
        due_provisional=feedback.due_provisional,
        overdue=feedback.status == "received" and feedback.due_at < now,
        answer=feedback.answer,
        answered_at=feedback.answered_at,
        decline_reason=feedback.decline_reason,
        published_at=feedback.published_at,
        public_title=feedback.public_title,
        public_question=feedback.public_question,
        public_answer=feedback.public_answer,
        can_answer=feedback.status == "received",
        can_publish=(
            may_publish(actor, feedback) and feedback.status == "answered" and feedback.may_publish
            and feedback.published_at is None
        ),
        can_unpublish=may_publish(actor, feedback) and feedback.published_at is not None,
        draft_public_title=title,
        draft_public_question=question,
        draft_public_answer=answer,
    )


def photo(db: Session, code: str, actor: Actor, *, settings: Settings | None = None) -> Download:
    """The message's photo, for its handlers only."""
    feedback = _load(db, code, actor, "feedback.photo")
    if not feedback.photo_stored_name:
        raise FeedbackNotFound(detail=f"feedback {feedback.code} has no photo")
    key = key_for(feedback.photo_stored_name)
    try:
        size = get_storage(settings or get_settings()).size(key)
    except FileMissing:
        raise FeedbackNotFound(detail=f"photo of feedback {feedback.code} is missing") from None
    return Download(
        key=key,
        filename=f"{feedback.code}.jpg",
        content_type=feedback.photo_content_type or "image/jpeg",
        size_bytes=size,
        sha256=feedback.photo_sha256 or "",
    )


# --- acting ------------------------------------------------------------------------------------------


def _record(db: Session, feedback: Feedback, actor: Actor, action: str, **details: object) -> None:
    audit.record(
        db,
        action=f"feedback.{action}",
        target_type="feedback",
        target_id=str(feedback.id),
        actor_id=actor.audit_id,
        actor_role=actor.role,
        details={"code": feedback.code, **details},
    )


def answer(db: Session, code: str, actor: Actor, text: str, *, now: datetime) -> None:
    """The unit's answer to the sender (who reads it on the tracking page)."""
    feedback = _load(db, code, actor, "feedback.answer")
    if feedback.status != "received":
        raise FeedbackStateError(detail=f"feedback {feedback.code} is {feedback.status}")
    cleaned = rules.clean_text(text)
    if problem := rules.length_problem(cleaned, rules.ANSWER_MIN, rules.ANSWER_MAX, rules.MSG_ANSWER_LENGTH):
        raise FeedbackInvalid({"answer": problem})
    feedback.answer = cleaned
    feedback.answered_at = now
    feedback.answered_by = actor.user_id
    feedback.status = "answered"
    _record(db, feedback, actor, "answer", late=now > feedback.due_at)


def decline(db: Session, code: str, actor: Actor, reason: str, *, now: datetime) -> None:
    """Not taken up (abusive, not about administrative procedures, a duplicate): the sender sees why."""
    feedback = _load(db, code, actor, "feedback.decline")
    if feedback.status != "received":
        raise FeedbackStateError(detail=f"feedback {feedback.code} is {feedback.status}")
    cleaned = rules.clean_text(reason)
    if not cleaned:
        raise FeedbackInvalid({"reason": Msg(rules.MSG_REASON_REQUIRED)})
    feedback.decline_reason = cleaned[: rules.ANSWER_MAX]
    feedback.answered_at = now
    feedback.answered_by = actor.user_id
    feedback.status = "declined"
    _record(db, feedback, actor, "decline")


def publish(
    db: Session, code: str, actor: Actor, *, title: str, question: str, answer_text: str, now: datetime
) -> None:
    """Put the checked texts on the public list; personal data is removed from them once more."""
    feedback = _load(db, code, actor, "feedback.publish", publishing=True)
    if feedback.status != "answered" or not feedback.may_publish or feedback.published_at is not None:
        raise FeedbackStateError(detail=f"feedback {feedback.code} cannot be published")
    names = (feedback.sender_name,)
    public_title = rules.redact(rules.clean_text(title, single_line=True), names)
    public_question = rules.redact(rules.clean_text(question), names)
    public_answer = rules.redact(rules.clean_text(answer_text), names)
    errors: dict[str, Msg] = {}
    if problem := rules.length_problem(public_title, rules.TITLE_MIN, rules.TITLE_MAX, rules.MSG_TITLE_LENGTH):
        errors["public_title"] = problem
    if problem := rules.length_problem(
        public_question, rules.CONTENT_MIN, rules.CONTENT_MAX, rules.MSG_CONTENT_LENGTH
    ):
        errors["public_question"] = problem
    if problem := rules.length_problem(public_answer, rules.ANSWER_MIN, rules.ANSWER_MAX, rules.MSG_ANSWER_LENGTH):
        errors["public_answer"] = problem
    if errors:
        raise FeedbackInvalid(errors)
    feedback.public_title = public_title
    feedback.public_question = public_question
    feedback.public_answer = public_answer
    feedback.public_search = " ".join(tokenize(f"{public_title} {public_question} {public_answer}"))
    feedback.published_at = now
    feedback.published_by = actor.user_id
    _record(db, feedback, actor, "publish")


def unpublish(db: Session, code: str, actor: Actor, *, now: datetime) -> None:
    """Take an answer off the public list (the published texts go too)."""
    feedback = _load(db, code, actor, "feedback.unpublish", publishing=True)
    if feedback.published_at is None:
        raise FeedbackStateError(detail=f"feedback {feedback.code} is not published")
    feedback.public_title = feedback.public_question = feedback.public_answer = feedback.public_search = None
    feedback.published_at = None
    feedback.published_by = None
    _record(db, feedback, actor, "unpublish", at=now.isoformat())
