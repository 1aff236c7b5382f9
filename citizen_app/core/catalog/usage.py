"""Which procedures citizens use most, for want of usage figures: a documented estimate.

The national index carries no counts of dossiers. To choose the entries whose English names a
person reviews first (docs/catalogue.md), procedures are ranked by what makes a citizen likely
to meet them:

1. curated entries: those on the home page (``popular``) in that order, then the others;
2. who it is for: citizens, then both, then organisations only;
3. how near the office is: commune, province, another agency, ministry;
4. the field, in ``_taxonomy.yaml`` order (civil status, residence, identity cards … come
   first; fields made up for the national index last);
5. shorter names (the general procedure before its special cases), then the code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from citizen_app.core.catalog.model import Procedure
from citizen_app.core.catalog.taxonomy import Taxonomy

_AUDIENCE_RANK = {"citizen": 0, "both": 1, "organisation": 2}
_LEVEL_RANK = {"commune": 0, "province": 1, "other": 2, "ministry": 3}


def most_used(procedures: Iterable[Procedure], taxonomy: Taxonomy, limit: int | None = None) -> list[Procedure]:
    field_rank = {slug: position for position, slug in enumerate(taxonomy.fields)}

    def key(procedure: Procedure) -> tuple[bool, float, int, int, int, int, str]:
        return (
            procedure.information_only,
            procedure.popular if procedure.popular is not None else math.inf,
            _AUDIENCE_RANK.get(procedure.audience, 1),
            _LEVEL_RANK.get(procedure.level, 2),
            field_rank.get(procedure.field, len(field_rank)),
            len(procedure.name.vi),
            procedure.code,
        )

    ranked = sorted(procedures, key=key)
    return ranked if limit is None else ranked[:limit]
