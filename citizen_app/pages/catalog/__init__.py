"""The catalogue screens: results (search and browse), all fields, and the service page."""
