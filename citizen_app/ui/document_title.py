"""A page title (and ``<html lang>``) taken from state, for pages with a dynamic route.

``rx.App.add_page`` gives every page a static ``<title>``. Pages such as ``/services/[code]``
want the procedure's name instead. They are served from the SPA fallback HTML, whose
``<html lang>`` is not the page's, and their state may load before the route's components
mount (which then put the static title first). An effect runs after React has committed the
page, so setting ``document.title`` there wins in every order.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars.base import VarData


def document_title(title: rx.Var[str], locale: str) -> rx.Var[str]:
    """A string Var to put on any attribute of the page (e.g. ``data_title``); it carries the effect."""
    value = str(title)
    effect = (
        f"useEffect(() => {{ document.documentElement.lang = {json.dumps(locale)}; "
        f"if ({value}) {{ document.title = {value}; }} }}, [{value}]);"
    )
    return rx.Var(
        value,
        _var_data=VarData(
            imports={"react": [ImportVar(tag="useEffect")]},
            hooks={effect: title._get_all_var_data()},
        ),
    ).to(str)
