"""The assistant page's view model: a :class:`Dialogue` as lines, options and an answer card.

Plain Python (no Reflex), so it is unit-tested. Every fact on the answer card is read from the
catalogue with the service page's own formatting (``catalog_view``): the assistant never writes
a fee, a time limit, a document or an agency of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from citizen_app.core.assistant.answer import answer_target
from citizen_app.core.assistant.knowledge import Knowledge
from citizen_app.core.assistant.policy import CHOICE_PREFIX, NONE_OF_THESE, Dialogue, current_question
from citizen_app.core.catalog.registry import Catalog
from citizen_app.core.i18n import Translator
from citizen_app.ui.catalog_view import fee_summary, service_href, time_summary

MAX_DOCUMENTS = 5


@dataclass(frozen=True)
class AssistantView:
    phase: str
    lines: list[dict[str, str]]  # speaker, text, testid
    options: list[dict[str, str]]  # id, label, testid
    error: str
    answer_kind: str = ""  # "procedure" | "group" | ""
    answer_name: str = ""
    answer_href: str = ""
    answer_service_href: str = ""
    facts: list[dict[str, str]] = field(default_factory=list)  # label, value, testid
    documents: list[str] = field(default_factory=list)
    members: list[dict[str, str]] = field(default_factory=list)  # name, href
    others: list[dict[str, str]] = field(default_factory=list)  # name, href: other candidates
    search_href: str = ""


def _option_label(dialogue_situation: str, path: tuple[str, ...], knowledge: Knowledge, t: Translator) -> str:
    situation = knowledge.situation(dialogue_situation)
    question = situation.question if situation is not None else None
    label = ""
    for option_id in path:
        option = question.option(option_id) if question is not None else None
        if option is None:
            return ""
        label = t.pick(option.label)
        question = option.next
    return label


def assistant_view(
    dialogue: Dialogue,
    catalog: Catalog,
    knowledge: Knowledge,
    t: Translator,
    rephrase: Callable[[str], str] | None = None,
) -> AssistantView:
    """``rephrase`` may reword the assistant's own fixed sentences (core/assistant/rephrase.py);
    never the citizen's words, the curated questions or the facts."""
    _ = t.gettext
    lines: list[dict[str, str]] = []
    for number, turn in enumerate(dialogue.turns):
        testid = f"assistant-line-{number}"
        if turn.speaker == "citizen":
            if turn.text:
                text = turn.text  # as typed: shown as text, never as markup
            elif turn.msgid.startswith(CHOICE_PREFIX):
                procedure = catalog.get(turn.msgid.removeprefix(CHOICE_PREFIX))
                text = t.pick(procedure.name) if procedure is not None else ""
            elif turn.path and turn.path[-1] == NONE_OF_THESE:
                text = _("None of these")
            else:
                text = _option_label(turn.situation, turn.path, knowledge, t)
        elif turn.msgid:
            text = _(turn.msgid)
            if rephrase is not None:
                text = rephrase(text)
        else:
            probe = Dialogue(situation=turn.situation, path=turn.path)
            question = current_question(probe, knowledge)
            text = t.pick(question.text) if question is not None else ""
        lines.append({"speaker": turn.speaker, "text": text, "testid": testid})

    options: list[dict[str, str]] = []
    if dialogue.phase == "clarifying":
        if dialogue.choices:
            for code in dialogue.choices:
                procedure = catalog.get(code)
                if procedure is not None:
                    options.append(
                        {"id": CHOICE_PREFIX + code, "label": t.pick(procedure.name), "testid": f"assistant-option-{code}"}
                    )
            options.append({"id": NONE_OF_THESE, "label": _("None of these"), "testid": "assistant-option-none"})
        else:
            question = current_question(dialogue, knowledge)
            for option in question.options if question is not None else ():
                options.append({"id": option.id, "label": t.pick(option.label), "testid": f"assistant-option-{option.id}"})

    search_href = f"/{t.locale}/search"
    if dialogue.question:


        search_href += f"?q={quote(dialogue.question[:200])}"
    view = AssistantView(
        phase=dialogue.phase,
        lines=lines,
        options=options,
        error=_(dialogue.error) if dialogue.error else "",
        search_href=search_href,
    )
    if dialogue.phase != "answered":
        return view
    target = answer_target(dialogue.answer, catalog, knowledge)
    if target is None:
        return view
    facts: list[dict[str, str]] = []
    documents: list[str] = []
    lead = target.lead
    if lead is not None:
        if lead.agency is not None:
            facts.append({"label": _("Agency"), "value": t.pick(lead.agency), "testid": "assistant-fact-agency"})
        if lead.processing_time:
            facts.append({"label": _("Processing time"), "value": time_summary(lead, t), "testid": "assistant-fact-time"})
        if lead.fees or not lead.information_only:
            facts.append({"label": _("Fee"), "value": fee_summary(lead, t), "testid": "assistant-fact-fee"})
        documents = [t.pick(d.name) for d in lead.documents if d.required][:MAX_DOCUMENTS]
    members = [{"name": t.pick(p.name), "href": service_href(t.locale, p.code)} for p in target.members]
    answer_codes = {p.code for p in target.members} | {target.key}
    others = [
        {"name": t.pick(p.name), "href": service_href(t.locale, p.code)}
        for p in (catalog.get(code) for code in dialogue.candidates[:3])
        if p is not None and p.code not in answer_codes
    ][:2]
    return AssistantView(
        phase=view.phase,
        lines=view.lines,
        options=[],
        error="",
        answer_kind=target.kind,
        answer_name=t.pick(target.name),
        answer_href=f"/{t.locale}{target.start_path}",
        answer_service_href=service_href(t.locale, lead.code) if lead is not None else "",
        facts=facts,
        documents=documents,
        members=members,
        others=others,
        search_href=search_href,
    )
