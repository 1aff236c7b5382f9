"""States of applying online: the start page and the flow of one draft (see docs/architecture.md)."""

from citizen_app.states.apply.flow import ApplyState
from citizen_app.states.apply.start import ApplyStartState

__all__ = ["ApplyStartState", "ApplyState"]
