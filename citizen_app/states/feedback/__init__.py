"""States of the feedback pages: thin, they call ``core.feedback`` and copy ``ui.feedback_view`` into vars."""
