"""Feedback and petitions: the citizen's flow, tracking, the public list, and the unit's staff pages."""
