"""The open REST API, ``/api/v1`` (OpenAPI 3.1 document at ``/api/v1/openapi.json``).

``public``: catalogue, dossier lookup, indicators, published feedback; ``partner``: the
OAuth 2 token endpoint and the calls partner systems make with it. Routes are thin: they read
parameters and call ``citizen_app.core.open_data`` and ``citizen_app.core.feedback``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from citizen_app.web.api import partner, public

routes: list[BaseRoute] = [*public.routes, *partner.routes]
