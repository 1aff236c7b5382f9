"""The services catalogue: procedure schema, loader/validator, importers, synthetic generator.

Pages use :func:`get_catalog` (and :mod:`citizen_app.core.search`); everything else here is
for the CLI, tests and the benchmark.
"""

from citizen_app.core.catalog.loader import (
    CatalogError,
    CatalogProblem,
    LoadedCatalog,
    check_catalog,
    load_catalog,
)
from citizen_app.core.catalog.model import (
    Channel,
    Document,
    Fee,
    Field,
    FieldCount,
    LegalBasis,
    Level,
    LifeEvent,
    LifeEventCount,
    Localized,
    OnlineLevel,
    Procedure,
    ProcessingTime,
)
from citizen_app.core.catalog.registry import Catalog, build_catalog, get_catalog, reset_catalog, set_catalog
from citizen_app.core.catalog.taxonomy import Taxonomy

__all__ = [
    "Catalog",
    "CatalogError",
    "CatalogProblem",
    "Channel",
    "Document",
    "Fee",
    "Field",
    "FieldCount",
    "LegalBasis",
    "Level",
    "LifeEvent",
    "LifeEventCount",
    "LoadedCatalog",
    "Localized",
    "OnlineLevel",
    "Procedure",
    "ProcessingTime",
    "Taxonomy",
    "build_catalog",
    "check_catalog",
    "get_catalog",
    "load_catalog",
    "reset_catalog",
    "set_catalog",
]
