"""Every model module, imported so ``Base.metadata`` is complete for Alembic and tests.

Add your module to the list; migrations (alembic/versions) fix the order tables are created in.
"""

from citizen_app.db.models import (
    audit,
    catalog,
    documents,
    dossiers,
    feedback,
    identity,
    jobs,
    open_data,
    payments,
    tracking,
)

__all__ = ["audit", "catalog", "dossiers", "feedback", "identity", "jobs", "open_data", "tracking"]
__all__ += ["payments"]  # issue 11: fee payments
__all__ += ["documents"]
