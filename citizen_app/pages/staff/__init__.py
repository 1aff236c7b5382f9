"""Pages for public service staff. Every one is guarded on the server (states/staff.py, web/staff_guard.py)."""
