"""Open data: the public indicators page."""
