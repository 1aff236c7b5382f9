"""States of tracking: My applications, notifications, one dossier, and the public lookup."""

from citizen_app.states.tracking.applications import ApplicationsState, NotificationsState
from citizen_app.states.tracking.dossier import DossierState
from citizen_app.states.tracking.track import TrackState

__all__ = ["ApplicationsState", "DossierState", "NotificationsState", "TrackState"]
