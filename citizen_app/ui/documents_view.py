"""The citizen's document store and the public check of a signed result, as text in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from citizen_app.core.documents.issuing import PublicDocumentStatus
from citizen_app.core.documents.store import HeldDocument
from citizen_app.core.i18n import N_, NP_, Translator
from citizen_app.ui.apply_view import file_size

# Why a document is not genuine, as the public page says it.
VERDICTS = {
    "genuine": N_("Genuine: issued by {issuer} on {date}, not revoked."),
    "revoked": N_("Revoked by {issuer} on {date}. Reason: {reason}"),
    "signer_revoked": N_("The signing certificate of {issuer} was revoked on {date}, so documents it signed are no "
                         "longer valid. Reason: {reason}"),
    "unknown": N_("No document with this number was issued through this portal. Do not rely on it."),
    "altered": N_("This file was changed after it was signed. Do not rely on it; ask the holder for the original."),
    "unknown_signer": N_("This file is not signed by an agency this portal knows. Do not rely on it."),
    "revoked_signer": N_("The agency's signing certificate for this file has been revoked. Do not rely on it."),
    "unsigned": N_("This file carries no agency signature. Do not rely on it."),
    "unreadable": N_("This file cannot be read as a PDF document."),
}
SECONDS = NP_("{count} second", "{count} seconds")
HOURS = NP_("{count} hour", "{count} hours")
DAYS = NP_("{count} day", "{count} days")
DEFAULT_SHARE_SECONDS = 24 * 3600


def share_periods(t: Translator, lifetimes: tuple[int, ...]) -> list[tuple[int, str]]:
    """How long a share link may work: (seconds, label)."""
    periods = []
    for seconds in lifetimes:
        if seconds % 86400 == 0:
            label = t.plural(DAYS, seconds // 86400)
        elif seconds % 3600 == 0:
            label = t.plural(HOURS, seconds // 3600)
        else:
            label = t.plural(SECONDS, seconds)
        periods.append((seconds, label))
    return periods


ORIGINS = {"issued": N_("Issued to you, signed by the agency"), "accepted": N_("Your own paper, accepted by staff")}


@dataclass(frozen=True)
class CheckView:
    verdict: str
    genuine: bool
    headline: str
    explanation: str
    title: str
    issuer: str
    issued_on: str
    serial: str


def check_view(status: PublicDocumentStatus, t: Translator) -> CheckView:
    issuer = t.pick(status.issuer) if status.issuer else ""
    when = status.revoked_at if status.verdict == "revoked" else status.issued_at
    explanation = t.gettext(VERDICTS["signer_revoked" if status.signer_revoked else status.verdict]).format(
        issuer=issuer, date=t.format_date(when) if when else "", reason=status.revoked_reason
    )
    headline = {
        "genuine": t.gettext("This document is genuine"),
        "revoked": t.gettext("This document has been revoked"),
    }.get(status.verdict, t.gettext("This document could not be verified"))
    return CheckView(
        verdict=status.verdict, genuine=status.genuine, headline=headline, explanation=explanation,
        title=t.pick(status.title) if status.title else "", issuer=issuer,
        issued_on=t.format_date(status.issued_at) if status.issued_at else "", serial=status.serial,
    )


@dataclass(frozen=True)
class DocumentItem:
    id: int
    name: str
    issuer: str
    issued_on: str
    validity: str
    origin: str
    status: str  # "" when nothing is wrong
    size: str
    deletable: bool
    serial: str
    dossier_code: str
    verify_href: str


def document_item(held: HeldDocument, t: Translator, today: date) -> DocumentItem:
    if held.revoked:
        status = t.gettext("Revoked") + (f": {held.revoked_reason}" if held.revoked_reason else "")
    elif held.expired(today):
        status = t.gettext("Expired")
    else:
        status = ""
    validity = (
        t.gettext("Valid until {date}").format(date=t.format_date(held.valid_until))
        if held.valid_until else t.gettext("No expiry date")
    )
    return DocumentItem(
        id=held.id, name=t.pick(held.name), issuer=t.pick(held.issuer) if held.issuer else t.gettext("You"),
        issued_on=t.format_date(held.issued_on), validity=validity, origin=t.gettext(ORIGINS.get(held.origin, "")),
        status=status, size=file_size(held.size_bytes, t), deletable=held.deletable, serial=held.serial,
        dossier_code=held.dossier_code, verify_href=f"/d/{held.serial}?lang={t.locale}" if held.serial else "",
    )
