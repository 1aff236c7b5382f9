"""The assistant's curated knowledge: linked groups and clarifying questions (``_assistant.yaml``).

Read once with the catalogue's directory; validated against the catalogue (every code and group
named exists; at most :data:`MAX_QUESTIONS` questions deep), see :func:`check_knowledge`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from citizen_app.core.catalog.model import Localized

KNOWLEDGE_FILE = "_assistant.yaml"
MAX_QUESTIONS = 3  # clarifying questions in one conversation, at most
GROUP_PREFIX = "group:"
QuestionKind = Literal["who", "where", "which"]


@dataclass(frozen=True)
class Group:
    slug: str
    name: Localized
    procedures: tuple[str, ...]  # the lead one first

    @property
    def path(self) -> str:
        """Its start page, below the locale: ``/life-events/birth``."""
        return f"/life-events/{self.slug}"


@dataclass(frozen=True)
class Option:
    id: str
    label: Localized
    answer: str | None = None  # a procedure code or "group:<slug>"
    next: Question | None = None


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    text: Localized
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def depth(self) -> int:
        return 1 + max((o.next.depth for o in self.options if o.next is not None), default=0)


@dataclass(frozen=True)
class Situation:
    slug: str
    question: Question
    events: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Knowledge:
    groups: dict[str, Group]
    situations: tuple[Situation, ...]

    def situation(self, slug: str) -> Situation | None:
        return next((s for s in self.situations if s.slug == slug), None)

    def for_events(self, events: tuple[str, ...]) -> Situation | None:
        for event in events:
            for situation in self.situations:
                if event in situation.events:
                    return situation
        return None

    def for_codes(self, first_codes: list[str]) -> Situation | None:
        """A situation two of whose codes are among the first candidates: retrieval cannot tell them apart."""
        present = set(first_codes)
        for situation in self.situations:
            if len(present.intersection(situation.codes)) >= 2:
                return situation
        return None


EMPTY_KNOWLEDGE = Knowledge({}, ())


def _localized(raw: object, where: str) -> Localized:
    if not isinstance(raw, dict) or not isinstance(raw.get("vi"), str) or not isinstance(raw.get("en"), str):
        raise ValueError(f"{where}: needs {{vi: …, en: …}}")
    return Localized(vi=raw["vi"], en=raw["en"])


def _question(raw: object, where: str) -> Question:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a question is a mapping")
    kind = raw.get("kind")
    if kind not in ("who", "where", "which"):
        raise ValueError(f"{where}.kind: who, where or which")
    options: list[Option] = []
    for position, item in enumerate(raw.get("options") or ()):
        at = f"{where}.options[{position}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ValueError(f"{at}: needs an id")
        answer = item.get("answer")
        follow = _question(item["next"], f"{at}.next") if "next" in item else None
        if (answer is None) == (follow is None):
            raise ValueError(f"{at}: needs either an answer or a next question")
        options.append(Option(item["id"], _localized(item.get("label"), f"{at}.label"), answer, follow))
    if len(options) < 2:
        raise ValueError(f"{where}: at least two options")
    return Question(kind, _localized(raw.get("text"), f"{where}.text"), tuple(options))


def parse_knowledge(raw: object) -> Knowledge:
    """Raises ValueError naming where the data is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("the assistant file is a mapping")
    groups: dict[str, Group] = {}
    for slug, item in (raw.get("groups") or {}).items():
        codes = tuple(item.get("procedures") or ())
        if not codes:
            raise ValueError(f"groups.{slug}: needs procedures")
        groups[slug] = Group(slug, _localized(item.get("name"), f"groups.{slug}.name"), codes)
    situations: list[Situation] = []
    for slug, item in (raw.get("situations") or {}).items():
        question = _question(item.get("question"), f"situations.{slug}.question")
        if question.depth > MAX_QUESTIONS:
            raise ValueError(f"situations.{slug}: more than {MAX_QUESTIONS} questions deep")
        situations.append(
            Situation(slug, question, tuple(item.get("events") or ()), tuple(item.get("codes") or ()))
        )
    return Knowledge(groups, tuple(situations))


def answers_of(question: Question) -> list[str]:
    found: list[str] = []
    for option in question.options:
        if option.answer is not None:
            found.append(option.answer)
        if option.next is not None:
            found.extend(answers_of(option.next))
    return found


def check_knowledge(knowledge: Knowledge, known_code: object, known_event: object) -> list[str]:
    """What the data names that does not exist (``known_*`` are callables taking a code or slug)."""
    problems: list[str] = []
    for group in knowledge.groups.values():
        problems.extend(f"groups.{group.slug}: no procedure {c}" for c in group.procedures if not known_code(c))  # type: ignore[operator]
    for situation in knowledge.situations:
        for answer in answers_of(situation.question):
            if answer.startswith(GROUP_PREFIX):
                if answer[len(GROUP_PREFIX) :] not in knowledge.groups:
                    problems.append(f"situations.{situation.slug}: no group {answer}")
            elif not known_code(answer):  # type: ignore[operator]
                problems.append(f"situations.{situation.slug}: no procedure {answer}")
        problems.extend(f"situations.{situation.slug}: no life event {e}" for e in situation.events if not known_event(e))  # type: ignore[operator]
        problems.extend(f"situations.{situation.slug}: no procedure {c}" for c in situation.codes if not known_code(c))  # type: ignore[operator]
    return problems


def read_knowledge(catalog_dir: Path) -> Knowledge:
    path = catalog_dir / KNOWLEDGE_FILE
    if not path.exists():
        return EMPTY_KNOWLEDGE
    return parse_knowledge(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def knowledge_in(catalog_dir: Path) -> Knowledge:
    return read_knowledge(catalog_dir)
