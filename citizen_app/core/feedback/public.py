"""What anyone may read: one message's handling by its tracking code, and the published answers.

Tracking shows the status, the unit, the dates and the answer, never the sender's contact
details (whoever holds the code sent it, or was given it). The caller rate-limits lookups per
client (``core.rate_limit.LOOKUP``), as for dossiers. The public list holds only the texts a
supervisor published (``public_*``): nothing else of a message is ever read for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from citizen_app.core.feedback import rules
from citizen_app.core.text import tokenize
from citizen_app.db.models.feedback import Feedback

PUBLIC_PAGE_SIZE = 10
MAX_QUERY_WORDS = 8


@dataclass(frozen=True)
class TrackedFeedback:
    code: str
    title: str
    topic: str
    unit_name: dict[str, str]
    status: str
    received_at: datetime
    due_at: datetime
    due_provisional: bool
    overdue: bool
    answered_at: datetime | None
    answer: str | None
    decline_reason: str | None
    published: bool


def track(db: Session, code: str, *, now: datetime) -> TrackedFeedback | None:
    normalized = rules.normalize_code(code)
    if normalized is None:
        return None
    feedback = db.scalar(select(Feedback).where(Feedback.code == normalized))
    if feedback is None:
        return None
    return TrackedFeedback(
        code=feedback.code,
        title=feedback.title,
        topic=feedback.topic,
        unit_name=dict(feedback.unit_name or {}),
        status=feedback.status,
        received_at=feedback.received_at,
        due_at=feedback.due_at,
        due_provisional=feedback.due_provisional,
        overdue=feedback.status == "received" and feedback.due_at < now,
        answered_at=feedback.answered_at,
        answer=feedback.answer,
        decline_reason=feedback.decline_reason,
        published=feedback.published_at is not None,
    )


@dataclass(frozen=True)
class PublicAnswer:
    id: int
    topic: str
    title: str
    question: str
    answer: str
    unit_name: dict[str, str]
    received_at: datetime
    answered_at: datetime | None
    published_at: datetime


@dataclass(frozen=True)
class PublicAnswers:
    items: list[PublicAnswer]
    total: int
    page: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return (self.page + 1) * self.page_size < self.total


def public_answers(
    db: Session, *, topic: str | None = None, query: str = "", page: int = 0, page_size: int = PUBLIC_PAGE_SIZE
) -> PublicAnswers:
    """Published answers, newest first; ``topic`` one of :data:`rules.TOPICS`; ``query`` words all present
    (case and accents ignored)."""
    conditions = [Feedback.published_at.is_not(None)]
    if topic in rules.TOPICS:
        conditions.append(Feedback.topic == topic)
    for word in tokenize(query)[:MAX_QUERY_WORDS]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Feedback.public_search.like(f"%{escaped}%", escape="\\"))
    where = and_(*conditions)
    page = max(page, 0)
    total = int(db.scalar(select(func.count(Feedback.id)).where(where)) or 0)
    rows = db.scalars(
        select(Feedback)
        .where(where)
        .order_by(Feedback.published_at.desc(), Feedback.id.desc())
        .limit(page_size)
        .offset(page * page_size)
    )
    return PublicAnswers(
        items=[
            PublicAnswer(
                id=f.id,
                topic=f.topic,
                title=f.public_title or "",
                question=f.public_question or "",
                answer=f.public_answer or "",
                unit_name=dict(f.unit_name or {}),
                received_at=f.received_at,
                answered_at=f.answered_at,
                published_at=f.published_at,  # type: ignore[arg-type]
            )
            for f in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )
