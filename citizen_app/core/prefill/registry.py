"""The prefill sources, found once: every module in ``core.prefill.sources`` that exposes ``SOURCE``.

Adding a source is adding one module there (plus its tests and messages); nothing else lists
them. Keys and bindings must be unique across sources: a clash stops the app at start-up
rather than letting two sources fight over a field.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from functools import lru_cache

from citizen_app.core.i18n import Msg
from citizen_app.core.identity.profile_view import ProfileView
from citizen_app.core.prefill import sources as sources_package
from citizen_app.core.prefill.source import Binding, PrefillSource

# Provenance written before sources had keys: "verified" meant the sign-in identity.
LEGACY_KEYS = {"verified": "identity"}


class PrefillRegistry:
    def __init__(self, sources: Iterable[PrefillSource]) -> None:
        self._sources = tuple(sorted(sources, key=lambda s: (s.order, s.key)))
        self._by_key: dict[str, PrefillSource] = {}
        self._by_binding: dict[str, tuple[PrefillSource, Binding]] = {}
        for source in self._sources:
            if source.key in self._by_key or source.key in LEGACY_KEYS:
                raise ValueError(f"prefill source key {source.key!r} is used twice")
            self._by_key[source.key] = source
            for item in source.bindings:
                if item.name in self._by_binding:
                    other = self._by_binding[item.name][0].key
                    raise ValueError(f"binding {item.name!r} is provided by both {other!r} and {source.key!r}")
                self._by_binding[item.name] = (source, item)

    def __iter__(self) -> Iterator[PrefillSource]:
        return iter(self._sources)

    def source(self, key: str) -> PrefillSource | None:
        return self._by_key.get(LEGACY_KEYS.get(key, key))

    def binding(self, name: str) -> Binding | None:
        found = self._by_binding.get(name)
        return found[1] if found else None

    def source_of(self, binding_name: str) -> PrefillSource:
        return self._by_binding[binding_name][0]

    def binding_names(self) -> tuple[str, ...]:
        return tuple(self._by_binding)

    def label(self, key: str, applicant: ProfileView | None) -> Msg | None:
        """The provenance label of answers a source filled (None for a source no longer configured)."""
        source = self.source(key)
        return source.label_for(applicant) if source is not None else None


def discover() -> list[PrefillSource]:
    """Every ``SOURCE`` in ``core.prefill.sources``; an import error is a bug and is raised."""
    found = []
    for info in sorted(pkgutil.iter_modules(sources_package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{sources_package.__name__}.{info.name}")
        source = getattr(module, "SOURCE", None)
        if not isinstance(source, PrefillSource):
            raise TypeError(f"{module.__name__} must expose SOURCE, a PrefillSource")
        found.append(source)
    return found


@lru_cache(maxsize=1)
def prefill_sources() -> PrefillRegistry:
    """The registry of the sources in ``core.prefill.sources`` (built once per process)."""
    return PrefillRegistry(discover())


def source_key(stored: str) -> str:
    return LEGACY_KEYS.get(stored, stored)
