"""How a page declares itself: one ``PAGE`` per page module, registered once per locale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from citizen_app.core.i18n import Translator


@dataclass(frozen=True)
class Page:
    """``route`` is locale-free (``/services/[code]``); it is served at ``/vi/...`` and ``/en/...``."""

    route: str
    # An English msgid, translated per locale; or, for a page made from data (a prerendered
    # service), a function giving the text in the translator's language.
    title: str | Callable[[Translator], str]
    build: Callable[[Translator], rx.Component]
    on_load: Callable[..., object] | list[Callable[..., object]] | None = None
    description: str | Callable[[Translator], str] | None = None

    def localized_route(self, locale: str) -> str:
        return f"/{locale}{self.route}" if self.route != "/" else f"/{locale}"

    def title_in(self, t: Translator) -> str:
        return _text(self.title, t)

    def description_in(self, t: Translator) -> str | None:
        return _text(self.description, t) if self.description else None

    def load_events(self) -> list[Callable[..., object]]:
        """Every page first refreshes who is signed in, then runs its own loader."""
        from citizen_app.states.base import AppState

        own = self.on_load if isinstance(self.on_load, list) else [self.on_load] if self.on_load else []
        return [AppState.load_session, *own]


def _text(text: str | Callable[[Translator], str], t: Translator) -> str:
    return t.gettext(text) if isinstance(text, str) else text(t)
