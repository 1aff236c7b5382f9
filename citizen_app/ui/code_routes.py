"""Let a national procedure code (``1.001193``) be a part of a compiled route.

Reflex 0.10.1's ``verify_route_validity`` accepts only letters, digits, ``_`` and ``-`` in a
static route part, although the rest of the pipeline copes with a dot: the page file is named
``[vi].[services].[1.001193]._index.jsx`` and React Router's file routes read ``[...]`` as an
escape, and Reflex's backend router matches parts with ``re.escape``. The prerendered service
pages keep the address citizens already share (``/vi/services/1.001193``), so a part that is a
procedure code is checked as if it were a plain word; every other part still goes through
Reflex's own check.
"""

from __future__ import annotations

import re

import reflex.app

PROCEDURE_CODE = re.compile(r"[0-9]+(?:\.[0-9]+)+")

_reflex_check = reflex.app.verify_route_validity


def _verify_route(route: str) -> None:
    _reflex_check("/".join("code" if PROCEDURE_CODE.fullmatch(part) else part for part in route.split("/")))


def allow_procedure_codes_in_routes() -> None:
    reflex.app.verify_route_validity = _verify_route
