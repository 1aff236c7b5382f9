"""The public lookup of an application by its code, without signing in."""

from citizen_app.pages.track import lookup

__all__ = ["lookup"]
