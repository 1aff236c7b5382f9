"""Links: in-app links navigate without reloading; everything carries a stable data-testid."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink


def app_link(*children: rx.Component | str, to: str | rx.Var, testid: str, **props: object) -> rx.Component:
    """A link to another page of the app, followed client-side (no reload, the connection stays up)."""
    return ReactRouterLink.create(*children, to=to, data_testid=testid, **props)
