"""The assistant as the app uses it: retrieval, curated knowledge and the policy, per catalogue."""

from __future__ import annotations

import threading

from citizen_app.core.assistant.knowledge import Knowledge, knowledge_in
from citizen_app.core.assistant.policy import Dialogue, after_choice, after_question, check_question
from citizen_app.core.assistant.rephrase import NoRephrasing, Rephraser, rephraser_from_settings
from citizen_app.core.assistant.retrieval import Retrieved, Retriever
from citizen_app.core.catalog.registry import Catalog, get_catalog
from citizen_app.core.search import SearchIndex, get_index
from citizen_app.settings import get_settings


class Assistant:
    def __init__(
        self, index: SearchIndex, catalog: Catalog, knowledge: Knowledge, rephraser: Rephraser | None = None
    ) -> None:
        self.catalog = catalog
        self.knowledge = knowledge
        self.rephraser = rephraser or NoRephrasing()
        self.retriever = Retriever(index, catalog.all())

    def retrieve(self, question: str, locale: str = "vi", limit: int = 5) -> Retrieved:
        return self.retriever.retrieve(question, locale, limit)

    def ask(self, dialogue: Dialogue, text: object, locale: str = "vi") -> Dialogue:
        question, problem = check_question(text)
        retrieved = None if problem else self.retrieve(question, locale)
        return after_question(dialogue, text, retrieved, self.knowledge)

    def choose(self, dialogue: Dialogue, option_id: str) -> Dialogue:
        return after_choice(dialogue, option_id, self.knowledge)


_lock = threading.Lock()
_assistant: Assistant | None = None


def get_assistant() -> Assistant:
    """The assistant of the current catalogue (rebuilt with the search index when it changes)."""
    global _assistant
    catalog = get_catalog()
    with _lock:
        if _assistant is None or _assistant.catalog is not catalog:
            settings = get_settings()
            rephraser = rephraser_from_settings(
                settings.assistant_llm_url,
                settings.assistant_llm_model,
                settings.assistant_llm_api_key,
                settings.assistant_llm_timeout_seconds,
            )
            _assistant = Assistant(get_index(), catalog, knowledge_in(settings.catalog_dir), rephraser)
        return _assistant
