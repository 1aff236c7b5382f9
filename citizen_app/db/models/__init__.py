"""Every model module, imported so ``Base.metadata`` is complete for Alembic and tests.

Add one import line per model module; keep them in migration order.
"""

from citizen_app.db.models import audit  # noqa: F401
from citizen_app.db.models import catalog  # noqa: F401
from citizen_app.db.models import identity  # noqa: F401
from citizen_app.db.models import dossiers  # noqa: F401
