"""Who a signed-in person reads a dossier's documents as, and the documents themselves (receipt, files).

The HTTP routes that serve a receipt or a file know only the person and a code or file id.
The rule lives here: the applicant reads as a citizen, anyone else holding a staff role as
staff (the core then checks that they serve the receiving agency, or registered the draft at
the desk), everyone else as a citizen, which the core refuses and audits. One role is tried,
never several, so every refusal in the audit trail is a real one.

Not re-exported by ``core.dossiers``: this module reads files and receipts, whose modules
import that package.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, receipts
from citizen_app.core.dossiers.access import STAFF_ROLES, Actor, UserLike
from citizen_app.core.dossiers.errors import DossierNotFound
from citizen_app.db.models.dossiers import Dossier, DossierAttachment


def reader_for(user: UserLike, applicant_id: int) -> Actor:
    """The applicant reads as a citizen; anyone else with a staff role as staff; others as a citizen."""
    if user.user_id != applicant_id and any(role in STAFF_ROLES for role in user.roles):
        return Actor.staff(user)
    return Actor.citizen(user)


def receipt(db: Session, code: str, user: UserLike) -> receipts.ReceiptSlip:
    """The slip of the dossier with this code, for its applicant or staff of its agency.

    Raises ``DossierNotFound`` (no such dossier), ``AccessDenied`` (audited) or
    ``InvalidTransition`` (not submitted yet).
    """
    dossier = receipts.find_by_code(db, code)
    return receipts.receipt_for(db, dossier.id, reader_for(user, dossier.applicant_id))


def attachment(db: Session, attachment_id: int, user: UserLike, *, thumbnail: bool = False) -> attachments.Download:
    """A file of a dossier (or its thumbnail) for whoever may read it (``DossierNotFound``/``AccessDenied``)."""
    applicant_id = db.scalar(
        select(Dossier.applicant_id)
        .join(DossierAttachment, DossierAttachment.dossier_id == Dossier.id)
        .where(DossierAttachment.id == attachment_id)
    )
    if applicant_id is None:
        raise DossierNotFound(detail=f"attachment {attachment_id}")
    return attachments.open_attachment(db, attachment_id, reader_for(user, applicant_id), thumbnail=thumbnail)
