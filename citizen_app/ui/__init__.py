"""Shared Reflex components: the app shell, navigation and small building blocks."""
