"""The citizen's applications: the list, one dossier, and (pages/notifications.py) the notifications."""

from citizen_app.pages.applications import dossier, mine

__all__ = ["dossier", "mine"]
