"""The optional language model may only rephrase the assistant's own sentences (tested with a fake endpoint)."""

from __future__ import annotations

import json

import httpx
import pytest

from citizen_app.core.assistant.rephrase import (
    NoRephrasing,
    OpenAICompatibleRephraser,
    acceptable,
    rephraser_from_settings,
)
from citizen_app.settings import load_settings

SENTENCE = "This is the service for your situation."


def _endpoint(reply: str | None, seen: list[dict[str, object]], status: int = 200) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        if reply is None:
            raise httpx.ConnectError("down", request=request)
        return httpx.Response(status, json={"choices": [{"message": {"content": reply}}]})

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_off_by_default_and_sentences_stay_as_written() -> None:
    settings = load_settings({})
    assert settings.assistant_llm_url == ""
    rephraser = rephraser_from_settings(settings.assistant_llm_url, "", "", 1.0)
    assert isinstance(rephraser, NoRephrasing)
    assert rephraser.rephrase(SENTENCE, "en") == SENTENCE


def test_settings_read_the_endpoint_from_the_environment() -> None:
    settings = load_settings({"ASSISTANT_LLM_URL": "http://llm.local/v1/", "ASSISTANT_LLM_MODEL": "m"})
    assert (settings.assistant_llm_url, settings.assistant_llm_model) == ("http://llm.local/v1", "m")


def test_a_plain_rephrasing_is_used_and_asked_once() -> None:
    seen: list[dict[str, object]] = []
    rephraser = OpenAICompatibleRephraser("http://llm.local/v1", "m", client=_endpoint("Here is the right service for you.", seen))
    assert rephraser.rephrase(SENTENCE, "en") == "Here is the right service for you."
    assert rephraser.rephrase(SENTENCE, "en") == "Here is the right service for you."
    assert len(seen) == 1
    messages = seen[0]["messages"]
    assert isinstance(messages, list) and messages[-1] == {"role": "user", "content": SENTENCE}


@pytest.mark.parametrize(
    "reply",
    [
        "This service costs 500,000 VND and takes 3 days.",  # a fact it may not state
        "See https://evil.example for the service.",
        "<script>alert(1)</script>",
        "",
        "word " * 100,
    ],
)
def test_a_rephrasing_that_could_carry_a_fact_is_refused(reply: str) -> None:
    rephraser = OpenAICompatibleRephraser("http://llm.local/v1", "m", client=_endpoint(reply, []))
    assert rephraser.rephrase(SENTENCE, "en") == SENTENCE


def test_an_endpoint_that_fails_changes_nothing() -> None:
    assert OpenAICompatibleRephraser("http://llm.local/v1", "m", client=_endpoint(None, [])).rephrase(SENTENCE, "vi") == SENTENCE
    failing = OpenAICompatibleRephraser("http://llm.local/v1", "m", client=_endpoint("ok", [], status=500))
    assert failing.rephrase(SENTENCE, "vi") == SENTENCE


def test_digits_the_sentence_had_may_stay() -> None:
    assert acceptable("At most 1,000 characters.", "Please use at most 1,000 characters.")
    assert not acceptable("Say it in fewer words.", "Say it in 10 words.")
