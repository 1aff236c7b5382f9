"""An optional language model that may only rephrase the assistant's own sentences.

Off unless ``ASSISTANT_LLM_URL`` names an OpenAI-compatible endpoint (``POST {url}/chat/completions``).
What it is sent: one of the assistant's fixed sentences ("This is the service for your
situation.") in the page's language, never the citizen's words, never a fact of the catalogue. So
text a citizen types ("ignore your instructions…") cannot reach it, and nothing it writes can
become a fee, a time limit, a document or an agency: those are rendered from the catalogue beside
it. Its answer is taken only when it passes :func:`acceptable` (no digits, links or markup the
sentence did not have; not much longer); otherwise, on any error or after the timeout, the
sentence stays as written. Each sentence is asked once per process (a few dozen in all).
"""

from __future__ import annotations

import re
import threading
from typing import Protocol

import httpx

_LANGUAGE = {"vi": "Vietnamese", "en": "English"}
_FORBIDDEN = re.compile(r"https?://|www\.|[<>{}\[\]`]|\d")
SYSTEM_PROMPT = (
    "You rephrase one sentence of a public-service assistant so it sounds warm and plain, in {language}. "
    "Keep its meaning. Add no fact, number, name, link or advice. Reply with the sentence only."
)


class Rephraser(Protocol):
    def rephrase(self, sentence: str, locale: str) -> str: ...


class NoRephrasing:
    """The default: sentences stay as written."""

    def rephrase(self, sentence: str, locale: str) -> str:
        return sentence


def acceptable(original: str, candidate: str) -> bool:
    """A rephrasing may be shown: not empty, not much longer, and nothing the sentence did not have
    that could carry a fact (digits), a link or markup."""
    candidate = candidate.strip()
    if not candidate or len(candidate) > 2 * len(original) + 40 or "\n" in candidate:
        return False
    return not (set(_FORBIDDEN.findall(candidate)) - set(_FORBIDDEN.findall(original)))


class OpenAICompatibleRephraser:
    def __init__(
        self, url: str, model: str, api_key: str = "", timeout_seconds: float = 3.0, client: httpx.Client | None = None
    ) -> None:
        self._url = url.rstrip("/") + "/chat/completions"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=timeout_seconds)
        self._cache: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def rephrase(self, sentence: str, locale: str) -> str:
        key = (sentence, locale)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        result = self._ask(sentence, locale)
        with self._lock:
            self._cache[key] = result
        return result

    def _ask(self, sentence: str, locale: str) -> str:
        payload = {
            "model": self._model,
            "temperature": 0.2,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT.format(language=_LANGUAGE.get(locale, "Vietnamese"))},
                {"role": "user", "content": sentence},
            ],
        }
        try:
            response = self._client.post(self._url, json=payload, headers=self._headers)
            response.raise_for_status()
            candidate = str(response.json()["choices"][0]["message"]["content"])
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
            return sentence
        return candidate.strip() if acceptable(sentence, candidate) else sentence


def rephraser_from_settings(url: str, model: str, api_key: str, timeout_seconds: float) -> Rephraser:
    if not url:
        return NoRephrasing()
    return OpenAICompatibleRephraser(url, model, api_key, timeout_seconds)
