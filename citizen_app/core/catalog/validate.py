"""Small helpers that read untrusted YAML values and record every problem instead of stopping at the first.

Each reader takes the raw value and its dotted path, appends a :class:`SchemaError` for anything
wrong and returns the typed value, or None when it could not make one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from citizen_app.core.catalog.model import Localized
from citizen_app.core.i18n import normalize_money
from citizen_app.core.schema_errors import SchemaError, join_path

T = TypeVar("T")


def type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


class Reader:
    """Collects problems for one source (one YAML file)."""

    def __init__(self) -> None:
        self.errors: list[SchemaError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(SchemaError(path, message))

    def mapping(
        self,
        raw: object,
        path: str,
        required: Collection[str] = (),
        optional: Collection[str] = (),
        *,
        any_keys: bool = False,
    ) -> Mapping[str, Any] | None:
        """A mapping with string keys; reports missing keys and (unless ``any_keys``) unknown ones."""
        if not isinstance(raw, Mapping):
            self.error(path, f"must be a mapping, not {type_name(raw)}")
            return None
        for key in required:
            if key not in raw:
                self.error(join_path(path, key), "is required")
        known = set(required) | set(optional)
        for key in raw:
            if not isinstance(key, str):
                self.error(path, f"keys must be strings, not {type_name(key)} ({key!r})")
            elif key not in known and not any_keys:
                self.error(join_path(path, key), "unknown key")
        return raw

    def string(self, raw: object, path: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(raw, str):
            hint = ' (put it in quotes: YAML reads 1.001193 as a number)' if isinstance(raw, float) else ""
            self.error(path, f"must be a string, not {type_name(raw)}{hint}")
            return None
        if not allow_empty and not raw.strip():
            self.error(path, "must not be empty")
            return None
        return raw.strip()

    def integer(self, raw: object, path: str, *, minimum: int = 0) -> int | None:
        # bool is an int subclass in Python; `true` is never a sensible count or amount.
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
            wanted = "a non-negative integer" if minimum == 0 else f"an integer of at least {minimum}"
            self.error(path, f"must be {wanted}")
            return None
        return raw

    def get(
        self, data: Mapping[str, Any], path: str, key: str, read: Callable[[object, str], T | None]
    ) -> T | None:
        """``read`` the value under ``key`` if present (``mapping`` reports a missing required key)."""
        return read(data[key], join_path(path, key)) if key in data else None

    def boolean(self, raw: object, path: str) -> bool | None:
        if not isinstance(raw, bool):
            self.error(path, f"must be true or false, not {type_name(raw)}")
            return None
        return raw

    def choice(self, raw: object, path: str, allowed: Collection[str]) -> str | None:
        if not isinstance(raw, str) or raw not in allowed:
            self.error(path, f"must be one of {', '.join(allowed)}, not {raw!r}")
            return None
        return raw

    def localized(self, raw: object, path: str) -> Localized | None:
        """``{vi: "…", en: "…"}``: both languages, non-empty text, nothing else.

        Amounts of dong are rewritten in each language's one money format ("320.000đ" and
        "320.000 đồng" become "320.000 đ"; "320,000 VND" becomes "VND 320,000"), so a page never
        shows money two ways whatever way an editor wrote it.
        """
        data = self.mapping(raw, path, required=("vi", "en"))
        if data is None:
            return None
        vi = self.string(data["vi"], join_path(path, "vi")) if "vi" in data else None
        en = self.string(data["en"], join_path(path, "en")) if "en" in data else None
        if vi is None or en is None:
            return None
        return Localized(vi=normalize_money(vi, "vi"), en=normalize_money(en, "en"))

    def items(self, raw: object, path: str, read: Callable[[object, str], T | None]) -> list[T] | None:
        """A list whose every element ``read`` turns into a value; None if the list itself is wrong."""
        if not isinstance(raw, list):
            self.error(path, f"must be a list, not {type_name(raw)}")
            return None
        values: list[T] = []
        for index, item in enumerate(raw):
            value = read(item, join_path(path, index))
            if value is not None:
                values.append(value)
        return values
