"""One view for both kinds of data: a state Var (filled after the page loads) or plain values.

A view written with these helpers renders a state Var as usual (``rx.cond``, ``rx.foreach``,
``rx.match``), and renders plain Python data as fixed markup, which the production build
prerenders into the page's HTML. The service page uses both: curated procedures are compiled
as pages of their own, so their content is in the first response on a slow network; the rest
of the catalogue goes through the dynamic route and state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import reflex as rx

Item = TypeVar("Item")


def is_var(value: object) -> bool:
    return isinstance(value, rx.Var)


def when(condition: Any, then: rx.Component, otherwise: rx.Component | None = None) -> rx.Component:
    """``rx.cond`` for a Var; for a plain value, the branch it selects (nothing when none)."""
    if is_var(condition):
        return rx.cond(condition, then, otherwise) if otherwise is not None else rx.cond(condition, then)
    if condition:
        return then
    return otherwise if otherwise is not None else rx.fragment()


def either(condition: Any, then: Any, otherwise: Any) -> Any:
    """A prop value chosen by ``condition``: a Var when it is one, else the plain value."""
    if is_var(condition):
        return rx.cond(condition, then, otherwise)
    return then if condition else otherwise


def pick(value: Any, choices: Mapping[str, Any], default: Any) -> Any:
    """``rx.match`` for a Var; a dictionary lookup for a plain value."""
    if is_var(value):
        return rx.match(value, *choices.items(), default)
    return choices.get(value, default)


def each(items: Iterable[Item] | rx.Var, render: Callable[[Item], rx.Component]) -> rx.Component:
    if is_var(items):
        return rx.foreach(items, render)  # type: ignore[arg-type]
    return rx.fragment(*(render(item) for item in items))  # type: ignore[union-attr]


def not_empty(value: Any) -> Any:
    """Has items (a list) or text (a string): a Var condition, or a plain bool."""
    if is_var(value):
        return value.length() > 0
    return bool(value)
