"""Moved: the view models are ``citizen_app.ui.apply_view``, the flow's rules ``citizen_app.core.forms.flow``.

Kept only for the staff states that still import from here (remove once they import from
``ui.apply_view``).
"""

from citizen_app.ui.apply_view import (
    ControlView,
    ErrorLink,
    describe_address,
    display_lines,
    file_size,
    flow_href,
)

__all__ = ["ControlView", "ErrorLink", "describe_address", "display_lines", "file_size", "flow_href"]
