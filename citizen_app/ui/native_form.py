"""A form the browser itself submits to a server route (sign-out), not a Reflex event.

``rx.el.form`` always adds an ``onSubmit`` that calls ``preventDefault``, so a POST to an
HTTP route never leaves the page. This is the bare ``<form>`` element, with nothing attached.
"""

from __future__ import annotations

from reflex_base.components.component import field
from reflex_base.vars.base import Var
from reflex_components_core.el.elements.base import BaseHTML


class NativeForm(BaseHTML):
    tag = "form"

    action: Var[str] = field(doc="The server route the browser posts to")
    method: Var[str] = field(doc="get or post")


native_form = NativeForm.create
