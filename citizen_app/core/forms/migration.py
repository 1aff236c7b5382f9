"""Carrying a draft's answers over to a newer version of its form.

A procedure's form may change (``version`` bumped) while citizens have drafts
open. On resume or submit the answers are migrated: an answer is kept when its
field id still exists and the value still passes that field's rules; everything
else is dropped and reported, and questions that now need an answer are listed,
so nothing is submitted against a schema the citizen never saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from citizen_app.core.forms.schema import FormSchema
from citizen_app.core.forms.validation import MISSING, CommuneChecker, validate_all, validate_field
from citizen_app.core.i18n import N_, NP_, Msg

MSG_DROPPED = NP_(
    "This form was updated after you started it. {count} of your answers no longer fits it and was removed.",
    "This form was updated after you started it. {count} of your answers no longer fit it and were removed.",
)
MSG_NOW_REQUIRED = NP_(
    "This form was updated after you started it. {count} question still needs an answer.",
    "This form was updated after you started it. {count} questions still need an answer.",
)
MSG_UPDATED = N_("This form was updated after you started it. Your answers were kept; please check them.")


@dataclass(frozen=True)
class MigrationReport:
    from_version: int
    to_version: int
    answers: dict[str, Any]
    dropped: tuple[str, ...] = ()
    now_required: tuple[str, ...] = ()
    messages: tuple[Msg, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return self.from_version != self.to_version

    @property
    def clean(self) -> bool:
        """Nothing lost and nothing new to answer: the citizen's answers carry over as they were."""
        return not self.dropped and not self.now_required


def migrate_answers(
    answers: Mapping[str, Any],
    from_version: int,
    form: FormSchema,
    today: date,
    *,
    communes: CommuneChecker | bool | None = None,
) -> MigrationReport:
    if from_version == form.version:
        return MigrationReport(from_version, form.version, dict(answers))
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for field_id, value in answers.items():
        if form.field(field_id) is None:
            dropped.append(field_id)
            continue
        cleaned, errors = validate_field(form, field_id, value, today, communes=communes)
        # An empty answer to a now-required question is not "dropped": it shows up as now-required below.
        if errors or cleaned is MISSING:
            if value not in (None, "", [], {}):
                dropped.append(field_id)
            continue
        kept[field_id] = cleaned
    # Which visible questions still lack an answer under the new rules (attachments are checked on submit).
    outcome = validate_all(form, kept, {}, today, communes=communes)
    now_required = tuple(sorted({path.split(".")[0].split("[")[0] for path in outcome.errors
                                 if not path.startswith("attachments.")}))
    messages: list[Msg] = []
    if dropped:
        messages.append(Msg.counted(MSG_DROPPED, len(dropped)))
    if now_required:
        messages.append(Msg.counted(MSG_NOW_REQUIRED, len(now_required)))
    if not messages:
        messages.append(Msg(MSG_UPDATED))
    return MigrationReport(
        from_version=from_version,
        to_version=form.version,
        answers=kept,
        dropped=tuple(dropped),
        now_required=now_required,
        messages=tuple(messages),
    )
