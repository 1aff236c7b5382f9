"""The generic online form: partial online service for a procedure without a curated form.

"Dịch vụ công trực tuyến một phần" (Decree 42/2022/NĐ-CP, art. 11): the citizen sends the
application online and the agency receives and checks it online, but the citizen still shows the
original documents, or collects the result, at the counter. Every commune- and province-level
procedure a citizen can use is offered this way when nobody has curated a form for it yet
(``core/catalog/online.py`` decides which), with this one form:

* who is applying, filled in from the sign-in (VNeID identity, locked) and the profile;
* where they live, which picks the receiving unit for a commune-level procedure;
* the request in the citizen's own words;
* one upload slot per document the procedure lists, or generic slots where it lists none.

It is a :class:`~citizen_app.core.forms.schema.FormSchema` like a curated one, so the whole apply
flow (drafts, autosave, validation, files, check, send, receipt, QR, tracking, the staff desk)
serves it unchanged. Its labels are gettext messages, put in both languages when the form is
built, as the YAML gives curated forms theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from citizen_app.core.forms.schema import AttachmentSlot, Field, FormSchema, Step, Validation
from citizen_app.core.i18n import LOCALES, N_, get_translator

# Drafts keep the version they were written against: raise it when the generic form changes,
# so open drafts are migrated and the citizen is told (core/forms/migration.py).
PARTIAL_FORM_VERSION = 1
REQUEST_FIELD = "request"
REQUEST_MIN_LENGTH = 10
REQUEST_MAX_LENGTH = 2000
MAX_FILES_PER_DOCUMENT = 5
MAX_FILES_OTHER = 10


@dataclass(frozen=True)
class ListedDocument:
    """A document the procedure's record lists (name in both languages), and whether it is always needed."""

    name: Mapping[str, str]
    required: bool = False


def _both(msgid: str) -> dict[str, str]:
    """A generated label in every language, from the gettext catalogues."""
    return {locale: get_translator(locale).gettext(msgid) for locale in LOCALES}


def _applicant_step() -> Step:
    return Step(
        id="applicant",
        title=_both(N_("About you")),
        fields=(
            Field(id="full_name", type="text", label=_both(N_("Full name")), required=True,
                  prefill="identity.full_name"),
            Field(id="personal_id", type="personal_id", label=_both(N_("Personal identification number")),
                  required=True, prefill="identity.personal_id"),
            Field(id="date_of_birth", type="date", label=_both(N_("Date of birth")), required=True,
                  prefill="identity.date_of_birth", validation=Validation(not_future=True)),
            Field(id="permanent_address", type="address", label=_both(N_("Permanent address")), required=True,
                  prefill="identity.permanent_address"),
            Field(
                id="current_address",
                type="address",
                label=_both(N_("Where you live now")),
                hint=_both(N_(
                    "Only if it is not your permanent address. A commune-level procedure goes to the "
                    "commune where you live."
                )),
                prefill="contact.current_address",
            ),
            Field(id="phone", type="phone", label=_both(N_("Phone number")), required=True, prefill="contact.phone"),
            Field(id="email", type="email", label=_both(N_("Email address")), prefill="contact.email"),
        ),
    )


def _request_step() -> Step:
    return Step(
        id="your_request",
        title=_both(N_("Your request")),
        fields=(
            Field(
                id=REQUEST_FIELD,
                type="textarea",
                label=_both(N_("What do you need the agency to do?")),
                hint=_both(N_(
                    "In your own words: what you are asking for, for whom, and anything the officer "
                    "should know. The officer reads this first."
                )),
                required=True,
                validation=Validation(min_length=REQUEST_MIN_LENGTH, max_length=REQUEST_MAX_LENGTH),
            ),
        ),
    )


def _document_slots(documents: Sequence[ListedDocument]) -> tuple[AttachmentSlot, ...]:
    hint = _both(N_("A photo or a scan. Bring the original to the counter."))
    return tuple(
        AttachmentSlot(
            id=f"document_{position}",
            label=dict(document.name),
            hint=hint,
            required=document.required,
            max_files=MAX_FILES_PER_DOCUMENT,
        )
        for position, document in enumerate(documents, start=1)
    )


def _generic_slots() -> tuple[AttachmentSlot, ...]:
    """Where the record lists no documents: the procedure's own form, if it has one, and the rest."""
    return (
        AttachmentSlot(
            id="application_form",
            label=_both(N_("The procedure's application form or declaration, if it has one")),
            hint=_both(N_("Filled in and signed, as a photo or a scan. The officer tells you if one is needed.")),
            max_files=MAX_FILES_PER_DOCUMENT,
        ),
        AttachmentSlot(
            id="supporting_documents",
            label=_both(N_("Documents for your request")),
            hint=_both(N_(
                "Photos or scans of the papers the agency will need, for example certificates, contracts "
                "or decisions. Bring the originals to the counter."
            )),
            max_files=MAX_FILES_OTHER,
        ),
    )


def partial_form(documents: Sequence[ListedDocument] = ()) -> FormSchema:
    """The generic form; documents the procedure lists become its upload slots."""
    if not documents:
        return _generic_form()
    return FormSchema(
        version=PARTIAL_FORM_VERSION,
        steps=(_applicant_step(), _request_step()),
        attachments=_document_slots(documents),
    )


@lru_cache(maxsize=1)
def _generic_form() -> FormSchema:
    # Shared by the ~2,000 index entries that list no documents (the schema is frozen).
    return FormSchema(
        version=PARTIAL_FORM_VERSION,
        steps=(_applicant_step(), _request_step()),
        attachments=_generic_slots(),
    )
