"""Feedback as people read it: the flow's steps and check page, tracking, the public list, staff rows.

Plain functions from the core's answers and read models to text in the reader's language; states
copy the results into vars. Every text a citizen typed is passed through as text: pages render it
as text nodes, so markup in it is shown, never run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from citizen_app.core.admin_units import AdminUnits
from citizen_app.core.catalog import Catalog
from citizen_app.core.feedback import rules
from citizen_app.core.feedback.handling import InboxRow, StaffFeedback
from citizen_app.core.feedback.public import PublicAnswer, TrackedFeedback
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.ui.apply_view import ErrorLink, SummaryRow

# The flow's pages, in order, with the question each asks (also the page title).
STEPS: tuple[str, ...] = ("about", "subject", "details", "photo", "contact")
STEP_TITLES: Mapping[str, str] = {
    "about": N_("What is your feedback about?"),
    "subject": N_("Which one?"),
    "details": N_("Tell us what happened"),
    "photo": N_("Add a photo (optional)"),
    "contact": N_("How can the unit reach you?"),
    "check": N_("Check your feedback before sending it"),
}
SUBJECT_TITLES: Mapping[str, str] = {
    "procedure": N_("Which procedure, and where?"),
    "agency": N_("Which agency?"),
    "dossier": N_("Which application?"),
}
PROGRESS = N_("Step {number} of {total}")
FIELD_LABELS: Mapping[str, str] = {
    "subject_type": N_("About"),
    "procedure_code": N_("Procedure"),
    "province_code": N_("Province or city"),
    "commune_code": N_("Commune or ward"),
    "dossier_code": N_("Application code"),
    "pid_last4": N_("Last 4 digits of the personal ID number"),
    "topic": N_("Topic"),
    "title": N_("Title"),
    "content": N_("What happened"),
    "place": N_("Place"),
    "photo": N_("Photo"),
    "sender_name": N_("Your name"),
    "sender_phone": N_("Mobile number"),
    "sender_email": N_("Email address"),
    "may_publish": N_("May we publish it?"),
}
FIELD_STEP: Mapping[str, str] = {
    "subject_type": "about",
    "procedure_code": "subject", "province_code": "subject", "commune_code": "subject",
    "dossier_code": "subject", "pid_last4": "subject",
    "topic": "details", "title": "details", "content": "details", "place": "details",
    "photo": "photo",
    "sender_name": "contact", "sender_phone": "contact", "sender_email": "contact", "may_publish": "contact",
}
PROVINCE_CENTRE = N_("The province's public administration service centre")
NONE_GIVEN = N_("Not given")
NO_PHOTO = N_("No photo")
PUBLISH_YES = N_("Yes, without my name and contact details")
PUBLISH_NO = N_("No")
DUE = N_("Answer due by {date}")
DUE_PROVISIONAL = N_("Answer due by {date} (provisional)")
OVERDUE = N_("Overdue")
PUBLISHED = N_("Published")
SENT_ON = N_("Sent {date}")
FROM_UNIT = N_("Answered by {unit}")


@dataclass
class Choice:
    value: str = ""
    label: str = ""


def step_href(locale: str, step: str) -> str:
    return f"/{locale}/feedback/new/{step}"


def progress(step: str, t: Translator) -> str:
    if step not in STEPS:
        return ""
    return t.render(Msg(PROGRESS, {"number": STEPS.index(step) + 1, "total": len(STEPS)}))


def step_title(step: str, subject: str, t: Translator) -> str:
    if step == "subject" and subject in SUBJECT_TITLES:
        return t.gettext(SUBJECT_TITLES[subject])
    return t.gettext(STEP_TITLES.get(step, STEP_TITLES["about"]))


def error_texts(errors: Mapping[str, Msg], t: Translator) -> dict[str, str]:
    return {name: t.render(message) for name, message in errors.items()}


def error_links(errors: Mapping[str, Msg], t: Translator) -> list[ErrorLink]:
    return [ErrorLink(anchor=f"feedback-{name}", text=text) for name, text in error_texts(errors, t).items()]


def topic_choices(t: Translator) -> list[Choice]:
    return [Choice(topic, t.gettext(rules.TOPIC_LABELS[topic])) for topic in rules.TOPICS]


def subject_choices(t: Translator) -> list[Choice]:
    return [Choice(subject, t.gettext(rules.SUBJECT_LABELS[subject])) for subject in rules.SUBJECTS]


def publish_choices(t: Translator) -> list[Choice]:
    return [Choice("yes", t.gettext(PUBLISH_YES)), Choice("no", t.gettext(PUBLISH_NO))]


def procedure_choices(catalog: Catalog, t: Translator) -> list[Choice]:
    from citizen_app.core.feedback.sending import procedure_choices as procedures

    return [Choice(p.code, t.pick(p.name)) for p in procedures(catalog)]


def province_choices(units: AdminUnits) -> list[Choice]:
    return [Choice(p.code, p.name) for p in units.provinces()]


def commune_choices(units: AdminUnits, province_code: str) -> list[Choice]:
    return [Choice(c.code, c.name) for c in units.communes(province_code)]


def _value(name: str, answers: Mapping[str, str], t: Translator, catalog: Catalog, units: AdminUnits) -> list[str]:
    value = (answers.get(name) or "").strip()
    if name == "subject_type":
        return [t.gettext(rules.SUBJECT_LABELS[value])] if value in rules.SUBJECT_LABELS else []
    if name == "topic":
        return [t.gettext(rules.TOPIC_LABELS[value])] if value in rules.TOPIC_LABELS else []
    if name == "procedure_code":
        procedure = catalog.get(value)
        return [t.pick(procedure.name)] if procedure else []
    if name == "province_code":
        return [units.province_name(value) or value] if value else []
    if name == "commune_code":
        return [units.commune_name(value) or value] if value else [t.gettext(PROVINCE_CENTRE)]
    if name == "may_publish":
        label = PUBLISH_YES if value == "yes" else PUBLISH_NO
        return [t.gettext(label)]
    if name == "content":
        return [line for line in rules.clean_text(value).split("\n") if line]
    return [value] if value else [t.gettext(NONE_GIVEN)]


def check_rows(
    answers: Mapping[str, str], photo_name: str, t: Translator, *, catalog: Catalog, units: AdminUnits
) -> list[SummaryRow]:
    """Every answer, in the order asked, each with a Change link back to its page."""
    subject = answers.get("subject_type", "")
    names = ["subject_type"]
    if subject == "procedure":
        names += ["procedure_code", "province_code", "commune_code"]
    elif subject == "agency":
        names += ["province_code", "commune_code"]
    elif subject == "dossier":
        names += ["dossier_code"]
    names += ["topic", "title", "content", "place", "photo", "sender_name", "sender_phone", "sender_email",
              "may_publish"]
    rows = []
    for name in names:
        lines = [photo_name or t.gettext(NO_PHOTO)] if name == "photo" else _value(name, answers, t, catalog, units)
        rows.append(
            SummaryRow(
                key=name,
                label=t.gettext(FIELD_LABELS[name]),
                lines=lines,
                change_href=step_href(t.locale, FIELD_STEP[name]) + "?change=1",
            )
        )
    return rows


def due_text(due_at: datetime, provisional: bool, t: Translator) -> str:
    return t.render(Msg(DUE_PROVISIONAL if provisional else DUE, {"date": t.format_date(due_at)}))


@dataclass
class TrackView:
    code: str = ""
    title: str = ""
    topic: str = ""
    unit: str = ""
    status: str = ""
    status_key: str = ""
    sent: str = ""
    due: str = ""
    overdue: bool = False
    answered: str = ""
    answer_lines: list[str] = field(default_factory=list)
    decline_reason: str = ""
    published: bool = False


def track_view(found: TrackedFeedback, t: Translator) -> TrackView:
    return TrackView(
        code=found.code,
        title=found.title,
        topic=t.gettext(rules.TOPIC_LABELS.get(found.topic, rules.TOPIC_LABELS["other"])),
        unit=t.pick(found.unit_name),
        status=t.gettext(rules.STATUS_LABELS[found.status]),
        status_key=found.status,
        sent=t.format_datetime(found.received_at),
        due=due_text(found.due_at, found.due_provisional, t),
        overdue=found.overdue,
        answered=t.format_datetime(found.answered_at) if found.answered_at else "",
        answer_lines=[line for line in (found.answer or "").split("\n") if line],
        decline_reason=found.decline_reason or "",
        published=found.published,
    )


@dataclass
class AnswerItem:
    id: str = ""
    topic: str = ""
    title: str = ""
    question_lines: list[str] = field(default_factory=list)
    answer_lines: list[str] = field(default_factory=list)
    unit: str = ""
    answered: str = ""


def answer_items(items: list[PublicAnswer], t: Translator) -> list[AnswerItem]:
    return [
        AnswerItem(
            id=str(item.id),
            topic=t.gettext(rules.TOPIC_LABELS.get(item.topic, rules.TOPIC_LABELS["other"])),
            title=item.title,
            question_lines=[line for line in item.question.split("\n") if line],
            answer_lines=[line for line in item.answer.split("\n") if line],
            unit=t.render(Msg(FROM_UNIT, {"unit": t.pick(item.unit_name)})),
            answered=t.format_date(item.answered_at or item.published_at),
        )
        for item in items
    ]


@dataclass
class InboxItem:
    code: str = ""
    href: str = ""
    title: str = ""
    topic: str = ""
    unit: str = ""
    status: str = ""
    status_key: str = ""
    received: str = ""
    due: str = ""
    overdue: bool = False
    published: bool = False


def inbox_items(rows: list[InboxRow], t: Translator) -> list[InboxItem]:
    return [
        InboxItem(
            code=row.code,
            href=f"/{t.locale}/staff/feedback/{row.code}",
            title=row.title,
            topic=t.gettext(rules.TOPIC_LABELS.get(row.topic, rules.TOPIC_LABELS["other"])),
            unit=t.pick(row.unit_name),
            status=t.gettext(rules.STATUS_LABELS[row.status]),
            status_key=row.status,
            received=t.format_date(row.received_at),
            due=due_text(row.due_at, False, t),
            overdue=row.overdue,
            published=row.published,
        )
        for row in rows
    ]


@dataclass
class MessageView:
    code: str = ""
    title: str = ""
    content_lines: list[str] = field(default_factory=list)
    subject: str = ""
    topic: str = ""
    place: str = ""
    unit: str = ""
    sender_name: str = ""
    sender_phone: str = ""
    sender_email: str = ""
    consent: str = ""
    status: str = ""
    status_key: str = ""
    received: str = ""
    due: str = ""
    overdue: bool = False
    answer_lines: list[str] = field(default_factory=list)
    decline_reason: str = ""
    published: bool = False
    public_title: str = ""
    public_question_lines: list[str] = field(default_factory=list)
    public_answer_lines: list[str] = field(default_factory=list)
    photo_href: str = ""


def message_view(item: StaffFeedback, t: Translator) -> MessageView:
    subject = t.gettext(rules.SUBJECT_LABELS[item.subject_type])
    if item.procedure_name:
        subject = f"{subject}: {t.pick(item.procedure_name)} ({item.procedure_code})"
    elif item.dossier_code:
        subject = f"{subject}: {item.dossier_code}"

    def lines(text: str | None) -> list[str]:
        return [line for line in (text or "").split("\n") if line]

    return MessageView(
        code=item.code,
        title=item.title,
        content_lines=lines(item.content),
        subject=subject,
        topic=t.gettext(rules.TOPIC_LABELS.get(item.topic, rules.TOPIC_LABELS["other"])),
        place=item.place or t.gettext(NONE_GIVEN),
        unit=t.pick(item.unit_name),
        sender_name=item.sender_name,
        sender_phone=item.sender_phone or t.gettext(NONE_GIVEN),
        sender_email=item.sender_email or t.gettext(NONE_GIVEN),
        consent=t.gettext(PUBLISH_YES if item.may_publish else PUBLISH_NO),
        status=t.gettext(rules.STATUS_LABELS[item.status]),
        status_key=item.status,
        received=t.format_datetime(item.received_at),
        due=due_text(item.due_at, item.due_provisional, t),
        overdue=item.overdue,
        answer_lines=lines(item.answer),
        decline_reason=item.decline_reason or "",
        published=item.published_at is not None,
        public_title=item.public_title or "",
        public_question_lines=lines(item.public_question),
        public_answer_lines=lines(item.public_answer),
        photo_href=f"/files/feedback/{item.code}" if item.has_photo else "",
    )
