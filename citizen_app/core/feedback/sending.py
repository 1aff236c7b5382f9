"""A citizen sends feedback: the flow's checks, the competent unit, the due date, the stored message.

The flow (``/{locale}/feedback/new/…``) asks one thing per page; each page's answers are
checked here (:func:`check_step`), and :func:`send_feedback` checks them all again before
anything is stored, so nothing half-valid is ever saved whatever a client sends.

Abuse controls: messages per client IP and hour (:func:`sending_allowed`,
``Settings.feedback_rate_limit_per_hour``); a dossier named by code and digits is looked up
under the public lookup's own limit (``core.rate_limit.LOOKUP``), so the flow cannot be used
to walk through dossier codes; length and link limits (``rules``); the photo's content
checks (``photos``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import audit, calendar, rate_limit
from citizen_app.core.admin_units import AdminUnits, get_admin_units
from citizen_app.core.agencies import (
    Agency,
    InvalidAgencyCode,
    commune_committee,
    parse_agency_code,
    province_centre,
)
from citizen_app.core.attachment_store import remember_written
from citizen_app.core.catalog import Catalog, Procedure, get_catalog
from citizen_app.core.codes import InvalidDossierCode, parse_dossier_code
from citizen_app.core.feedback import rules
from citizen_app.core.feedback.errors import FeedbackInvalid
from citizen_app.core.feedback.photos import PreparedPhoto
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.contact import normalize_email, normalize_phone
from citizen_app.core.storage import get_storage, key_for
from citizen_app.core.text import sort_key
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.feedback import Feedback
from citizen_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

SEND = "feedback"
HOUR = 3600
STEPS: tuple[str, ...] = ("about", "subject", "details", "photo", "contact")
MSG_LOOKUPS_LIMITED = N_("Too many lookups from your connection. Wait a minute, then try again.")

Answers = Mapping[str, str]


@dataclass(frozen=True)
class SentFeedback:
    """What the confirmation page shows."""

    code: str
    unit_name: dict[str, str]
    received_at: datetime
    due_at: datetime
    due_provisional: bool


def _text(answers: Answers, name: str, *, single_line: bool = True) -> str:
    return rules.clean_text(answers.get(name, ""), single_line=single_line)


def procedure_choices(catalog: Catalog | None = None) -> list[Procedure]:
    """The procedures a message can be about: the curated ones, by name."""
    catalog = catalog or get_catalog()
    return sorted(catalog.curated(), key=lambda p: sort_key(p.name.vi))


# --- checks of each step (no database) -------------------------------------------------------------------


def _place_errors(answers: Answers, units: AdminUnits, *, commune_required: bool) -> dict[str, Msg]:
    errors: dict[str, Msg] = {}
    province, commune = _text(answers, "province_code"), _text(answers, "commune_code")
    if units.province(province) is None:
        errors["province_code"] = Msg(rules.MSG_CHOOSE_PROVINCE)
    elif commune and not units.is_commune_in_province(province, commune):
        errors["commune_code"] = Msg(rules.MSG_COMMUNE_NOT_IN_PROVINCE)
    elif commune_required and not commune:
        errors["commune_code"] = Msg(rules.MSG_CHOOSE_COMMUNE)
    return errors


def step_errors(
    step: str, answers: Answers, *, catalog: Catalog | None = None, units: AdminUnits | None = None
) -> dict[str, Msg]:
    """Problems with the answers of one step, by field name (empty when the step is fine)."""
    errors: dict[str, Msg] = {}
    subject = _text(answers, "subject_type")
    if step == "about":
        if subject not in rules.SUBJECTS:
            errors["subject_type"] = Msg(rules.MSG_CHOOSE_SUBJECT)
    elif step == "subject":
        if subject not in rules.SUBJECTS:
            return {"subject_type": Msg(rules.MSG_CHOOSE_SUBJECT)}
        units = units if units is not None else get_admin_units()
        if subject == "procedure":
            procedure = (catalog or get_catalog()).get(_text(answers, "procedure_code"))
            if procedure is None or procedure.information_only:
                errors["procedure_code"] = Msg(rules.MSG_CHOOSE_PROCEDURE)
            errors |= _place_errors(
                answers, units, commune_required=procedure is not None and procedure.level == "commune"
            )
        elif subject == "agency":
            errors |= _place_errors(answers, units, commune_required=False)
        else:
            try:
                parse_dossier_code(_text(answers, "dossier_code"))
            except InvalidDossierCode:
                errors["dossier_code"] = Msg(rules.MSG_ENTER_DOSSIER_CODE)
            digits = _text(answers, "pid_last4")
            if not (len(digits) == 4 and digits.isdigit()):
                errors["pid_last4"] = Msg(rules.MSG_ENTER_PID_DIGITS)
    elif step == "details":
        if _text(answers, "topic") not in rules.TOPICS:
            errors["topic"] = Msg(rules.MSG_CHOOSE_TOPIC)
        title = _text(answers, "title")
        content = _text(answers, "content", single_line=False)
        if problem := rules.length_problem(title, rules.TITLE_MIN, rules.TITLE_MAX, rules.MSG_TITLE_LENGTH):
            errors["title"] = problem
        if problem := rules.length_problem(
            content, rules.CONTENT_MIN, rules.CONTENT_MAX, rules.MSG_CONTENT_LENGTH
        ):
            errors["content"] = problem
        elif rules.link_count(content) + rules.link_count(title) > rules.MAX_LINKS:
            errors["content"] = Msg.counted(rules.MSG_TOO_MANY_LINKS, rules.MAX_LINKS)
        if len(_text(answers, "place")) > rules.PLACE_MAX:
            errors["place"] = Msg(rules.MSG_PLACE_LENGTH, {"max": rules.PLACE_MAX})
    elif step == "contact":
        name = _text(answers, "sender_name")
        if not name:
            errors["sender_name"] = Msg(rules.MSG_ENTER_NAME)
        elif len(name) > rules.NAME_MAX:
            errors["sender_name"] = Msg(rules.MSG_NAME_LENGTH, {"max": rules.NAME_MAX})
        phone, email = _text(answers, "sender_phone"), _text(answers, "sender_email")
        if not phone and not email:
            errors["sender_phone"] = Msg(rules.MSG_PHONE_OR_EMAIL)
        if phone and normalize_phone(phone) is None:
            errors["sender_phone"] = Msg(rules.MSG_PHONE_INVALID)
        if email and normalize_email(email) is None:
            errors["sender_email"] = Msg(rules.MSG_EMAIL_INVALID)
        if _text(answers, "may_publish") not in ("yes", "no"):
            errors["may_publish"] = Msg(rules.MSG_CHOOSE_PUBLISH)
    return errors


def all_errors(answers: Answers, *, catalog: Catalog | None = None, units: AdminUnits | None = None) -> dict[str, Msg]:
    errors: dict[str, Msg] = {}
    for step in STEPS:
        errors |= step_errors(step, answers, catalog=catalog, units=units)
    return errors


def first_step_with_errors(answers: Answers, *, catalog: Catalog | None = None) -> str | None:
    return next((step for step in STEPS if step_errors(step, answers, catalog=catalog)), None)


# --- the dossier a message is about -------------------------------------------------------------------


def _dossier_agency(db: Session, code: str, pid_last4: str) -> Agency | None:
    """The receiving agency of the dossier with this code and second factor; None unless both match."""
    try:
        parsed = str(parse_dossier_code(code))
    except InvalidDossierCode:
        return None
    row = db.execute(
        select(Dossier.agency_code, Dossier.applicant_pid_last4).where(Dossier.code == parsed)
    ).one_or_none()
    if row is None or not row.agency_code or row.applicant_pid_last4 != pid_last4.strip():
        return None
    try:
        return parse_agency_code(row.agency_code)
    except InvalidAgencyCode:
        return None


def check_step(
    db: Session,
    step: str,
    answers: Answers,
    *,
    client: str,
    now: datetime,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
) -> dict[str, Msg]:
    """:func:`step_errors`, and for a dossier the lookup of its code and digits, under the lookup limit.

    The attempt is counted in the caller's transaction: commit it even when errors come back.
    """
    errors = step_errors(step, answers, catalog=catalog)
    if errors or step != "subject" or _text(answers, "subject_type") != "dossier":
        return errors
    settings = settings or get_settings()
    decision = rate_limit.hit(
        db, rate_limit.LOOKUP, client, limit=settings.lookup_rate_limit_per_minute, now=now
    )
    if not decision.allowed:
        return {"dossier_code": Msg(MSG_LOOKUPS_LIMITED)}
    if _dossier_agency(db, _text(answers, "dossier_code"), _text(answers, "pid_last4")) is None:
        return {"dossier_code": Msg(rules.MSG_DOSSIER_NOT_FOUND)}
    return {}


def sending_allowed(db: Session, client: str, *, now: datetime, settings: Settings | None = None) -> rate_limit.Decision:
    """Count one message from ``client`` against the hourly limit (commit it in its own transaction)."""
    settings = settings or get_settings()
    return rate_limit.hit(
        db, SEND, client, limit=settings.feedback_rate_limit_per_hour, now=now, window_seconds=HOUR
    )


# --- sending ------------------------------------------------------------------------------------------


def competent_unit(
    db: Session, answers: Answers, *, catalog: Catalog | None = None, units: AdminUnits | None = None
) -> tuple[Agency, dict[str, str]]:
    """Who must answer, and its name in both languages (answers already checked)."""
    units = units if units is not None else get_admin_units()
    subject = _text(answers, "subject_type")
    province, commune = _text(answers, "province_code"), _text(answers, "commune_code")
    if subject == "dossier":
        agency = _dossier_agency(db, _text(answers, "dossier_code"), _text(answers, "pid_last4"))
        if agency is None:
            raise FeedbackInvalid({"dossier_code": Msg(rules.MSG_DOSSIER_NOT_FOUND)})
    elif subject == "procedure":
        procedure = (catalog or get_catalog()).get(_text(answers, "procedure_code"))
        commune_level = procedure is not None and procedure.level == "commune"
        agency = commune_committee(province, commune) if commune_level else province_centre(province)
    else:
        agency = commune_committee(province, commune) if commune else province_centre(province)
    name = agency.name(units.province_name(agency.province_code), units.commune_name(agency.commune_code))
    return agency, dict(name)


def _unique_code(db: Session) -> str:
    for _ in range(5):
        code = rules.new_code()
        if db.scalar(select(Feedback.id).where(Feedback.code == code)) is None:
            return code
    raise RuntimeError("no free feedback code after 5 draws")  # 2^40 codes: only a broken random source


def send_feedback(
    db: Session,
    answers: Answers,
    *,
    photo: PreparedPhoto | None,
    user_id: int | None,
    locale: str,
    now: datetime,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
    units: AdminUnits | None = None,
) -> SentFeedback:
    """Check every answer again, then store the message (and its photo, which follows the transaction)."""
    settings = settings or get_settings()
    catalog = catalog or get_catalog()
    errors = all_errors(answers, catalog=catalog, units=units)
    if errors:
        raise FeedbackInvalid(errors)
    agency, unit_name = competent_unit(db, answers, catalog=catalog, units=units)
    due = calendar.appointment(now, settings.feedback_answer_working_days)
    subject = _text(answers, "subject_type")
    procedure = catalog.get(_text(answers, "procedure_code")) if subject == "procedure" else None
    phone = _text(answers, "sender_phone")
    email = _text(answers, "sender_email")
    feedback = Feedback(
        code=_unique_code(db),
        subject_type=subject,
        procedure_code=procedure.code if procedure else None,
        procedure_name=procedure.name.as_dict() if procedure else None,
        dossier_code=str(parse_dossier_code(_text(answers, "dossier_code"))) if subject == "dossier" else None,
        topic=_text(answers, "topic"),
        title=_text(answers, "title"),
        content=_text(answers, "content", single_line=False),
        place=_text(answers, "place") or None,
        agency_code=agency.code,
        province_code=agency.province_code,
        commune_code=agency.commune_code,
        unit_name=unit_name,
        sender_name=_text(answers, "sender_name"),
        sender_phone=normalize_phone(phone) if phone else None,
        sender_email=normalize_email(email) if email else None,
        user_id=user_id,
        locale=locale if locale in ("vi", "en") else "vi",
        may_publish=_text(answers, "may_publish") == "yes",
        status="received",
        received_at=now,
        due_at=due.at,
        due_provisional=due.provisional,
    )
    if photo is not None:
        stored_name = secrets.token_hex(16)
        key = key_for(stored_name)
        remember_written(db, [key])
        get_storage(settings).put(key, photo.data)
        feedback.photo_stored_name = stored_name
        feedback.photo_content_type = photo.content_type
        feedback.photo_size = photo.size_bytes
        feedback.photo_sha256 = photo.sha256
    db.add(feedback)
    db.flush()
    audit.record(
        db,
        action="feedback.send",
        target_type="feedback",
        target_id=str(feedback.id),
        actor_id=str(user_id) if user_id is not None else None,
        actor_role="citizen",
        details={"code": feedback.code, "agency": agency.code, "subject": subject, "photo": photo is not None},
    )
    return SentFeedback(
        code=feedback.code,
        unit_name=unit_name,
        received_at=now,
        due_at=due.at,
        due_provisional=due.provisional,
    )
