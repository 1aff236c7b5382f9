"""The result a citizen gets: a document to download, or a paper result to collect at a place and hours.

"Result ready" must never reach a citizen with nothing to get. Before it, one of these is on record:

* a result document (an attachment of stage ``result``), whatever the delivery chosen; or
* a paper result with the place and the hours to collect it (``Dossier.result_pickup``), unless the
  citizen chose electronic delivery: then only the document will do.

The delivery the citizen chose is an answer of the form (:data:`DELIVERY_FIELDS`, value
:data:`ELECTRONIC`); a form without that question says nothing, and a paper result is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core.dossiers.errors import ResultRequired
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.statuses import RESULT_VISIBLE
from citizen_app.db.models.dossiers import Dossier, DossierAttachment

# The catalogue's names for "how do you want to receive the result?" (services_catalog/*.yaml).
DELIVERY_FIELDS: tuple[str, ...] = ("delivery", "delivery_method")
ELECTRONIC = "electronic"
MAX_PICKUP_TEXT = 300

MSG_ELECTRONIC_NEEDS_DOCUMENT = N_(
    "The applicant chose to receive the result electronically. Attach the result document before you "
    "mark the result ready."
)
MSG_PICKUP_PLACE = N_("Say where the applicant can collect the paper result.")
MSG_PICKUP_HOURS = N_("Say when the applicant can collect it (days and hours).")


@dataclass(frozen=True)
class ResultPickup:
    """Where and when the applicant collects a paper result, as the desk wrote it."""

    place: str
    hours: str

    @classmethod
    def cleaned(cls, place: str | None, hours: str | None) -> ResultPickup | None:
        """From what the desk typed; None when both are empty (nothing recorded)."""
        place_text = " ".join((place or "").split())[:MAX_PICKUP_TEXT]
        hours_text = " ".join((hours or "").split())[:MAX_PICKUP_TEXT]
        return cls(place_text, hours_text) if place_text or hours_text else None

    @classmethod
    def from_record(cls, value: Mapping[str, Any] | None) -> ResultPickup | None:
        if not value:
            return None
        return cls(str(value.get("place") or ""), str(value.get("hours") or ""))

    def as_record(self) -> dict[str, str]:
        return {"place": self.place, "hours": self.hours}


def delivery_choice(answers: Mapping[str, Any] | None) -> str | None:
    """How the citizen asked to receive the result (``electronic``, ``counter``, ``post``), if the form asked."""
    for field_id in DELIVERY_FIELDS:
        value = (answers or {}).get(field_id)
        if isinstance(value, str) and value:
            return value
    return None


def wants_electronic(dossier: Dossier) -> bool:
    return delivery_choice(dossier.answers) == ELECTRONIC


def has_result_document(db: Session, dossier_id: int) -> bool:
    count = db.scalar(
        select(func.count())
        .select_from(DossierAttachment)
        .where(DossierAttachment.dossier_id == dossier_id, DossierAttachment.stage == "result")
    )
    return bool(count)


def require_result(db: Session, dossier: Dossier, pickup: ResultPickup | None) -> dict[str, Any]:
    """Raise :class:`ResultRequired` unless a result is on record; returns the values to store and the
    event's details (``result``: ``document`` or ``paper``, and the pickup when one was given)."""
    document = has_result_document(db, dossier.id)
    chosen = pickup or ResultPickup.from_record(dossier.result_pickup)
    if not document:
        if wants_electronic(dossier):
            raise ResultRequired(Msg(MSG_ELECTRONIC_NEEDS_DOCUMENT), detail="electronic delivery, no document")
        if chosen is None:
            raise ResultRequired(detail="no result document and no pickup")
    if chosen is not None:
        if not chosen.place:
            raise ResultRequired(Msg(MSG_PICKUP_PLACE), detail="pickup without a place")
        if not chosen.hours:
            raise ResultRequired(Msg(MSG_PICKUP_HOURS), detail="pickup without hours")
    details: dict[str, Any] = {"result": "document" if document else "paper"}
    values: dict[str, Any] = {}
    if chosen is not None:
        details["pickup"] = values["result_pickup"] = chosen.as_record()
    return {"values": values, "details": details}


def pickup_of(dossier: Dossier) -> ResultPickup | None:
    """The paper result's place and hours, once the result is ready (never before: it may still change)."""
    if dossier.status not in RESULT_VISIBLE:
        return None
    return ResultPickup.from_record(dossier.result_pickup)
