"""Life events sent as one application (issue 12)."""
