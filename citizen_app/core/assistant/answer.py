"""What the assistant answers with: a procedure or a linked group, and where "Start" leads.

Only names and paths here; the facts (fees, time limits, documents, agency) are read from the
same :class:`Procedure` by the view model (``ui/assistant_view.py``) with the formatting of the
service page: quoted from the catalogue, never written by the assistant.
"""

from __future__ import annotations

from dataclasses import dataclass

from citizen_app.core.assistant.knowledge import GROUP_PREFIX, Knowledge
from citizen_app.core.catalog.model import Localized, Procedure
from citizen_app.core.catalog.registry import Catalog


@dataclass(frozen=True)
class AnswerTarget:
    kind: str  # "procedure" | "group"
    key: str  # the code or the group's slug
    name: Localized
    start_path: str  # below the locale: "/life-events/birth", "/services/1.001193/apply"
    lead: Procedure | None  # whose facts are quoted (a group's first procedure)
    members: tuple[Procedure, ...] = ()  # a group's procedures


def start_path(procedure: Procedure) -> str:
    """Apply online where the app can; otherwise the service page, which says where to apply."""
    if procedure.can_apply_online:
        return f"/services/{procedure.code}/apply"
    return f"/services/{procedure.code}"


def answer_target(answer: str, catalog: Catalog, knowledge: Knowledge) -> AnswerTarget | None:
    if answer.startswith(GROUP_PREFIX):
        group = knowledge.groups.get(answer[len(GROUP_PREFIX) :])
        if group is None:
            return None
        members = tuple(p for p in (catalog.get(code) for code in group.procedures) if p is not None)
        return AnswerTarget("group", group.slug, group.name, group.path, members[0] if members else None, members)
    procedure = catalog.get(answer)
    if procedure is None:
        return None
    return AnswerTarget("procedure", procedure.code, procedure.name, start_path(procedure), procedure)
