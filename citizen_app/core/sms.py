"""Text messages through a provider plugin, chosen by name (``SMS_PROVIDER``).

A plugin is a factory ``(Settings) -> SmsProvider`` registered with :func:`register_provider`.
The one shipped, ``http-json``, POSTs ``{"from", "to", "text"}`` with a bearer key to
``SMS_API_URL`` and reads ``{"id"}`` back; the sandbox gateway (citizen_app/sms_sandbox)
speaks the same API, and a real gateway with another API gets its own plugin. The core
never knows which one it talks to.

Messages are sent without diacritics: Vietnamese with tone marks needs UCS-2 and then a
segment holds 70 characters instead of 160, on handsets that all read unaccented text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from citizen_app.settings import Settings

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class TextMessage:
    to: str  # 0XXXXXXXXX
    text: str
    sender: str


class SmsError(RuntimeError):
    """The provider refused or could not be reached; the job retries."""


class SmsProvider(Protocol):
    def send(self, message: TextMessage) -> str:
        """Hand the message over; returns the provider's message id, raises :class:`SmsError`."""
        ...


ProviderFactory = Callable[[Settings], SmsProvider]
_PROVIDERS: dict[str, ProviderFactory] = {}


def register_provider(name: str, factory: ProviderFactory) -> None:
    _PROVIDERS[name] = factory


def provider_for(settings: Settings) -> SmsProvider | None:
    """The configured provider, or None when ``SMS_PROVIDER`` is empty (no text messages)."""
    if not settings.sms_provider:
        return None
    try:
        factory = _PROVIDERS[settings.sms_provider]
    except KeyError:
        raise SmsError(f"unknown SMS_PROVIDER {settings.sms_provider!r}; known: {sorted(_PROVIDERS)}") from None
    return factory(settings)


def unaccented(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class HttpJsonProvider:
    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.url = settings.sms_api_url
        self.key = settings.sms_api_key
        self.client = client

    def send(self, message: TextMessage) -> str:
        try:
            response = (self.client or httpx).post(
                self.url,
                json={"from": message.sender, "to": message.to, "text": message.text},
                headers={"Authorization": f"Bearer {self.key}"},
                timeout=TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as error:
            raise SmsError(f"gateway unreachable: {type(error).__name__}") from error
        if response.status_code // 100 != 2:
            raise SmsError(f"gateway answered {response.status_code}")
        try:
            return str(response.json()["id"])
        except (ValueError, KeyError, TypeError) as error:
            raise SmsError("gateway answered without a message id") from error


register_provider("http-json", HttpJsonProvider)
