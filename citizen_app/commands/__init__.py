"""One module per command group; see :mod:`citizen_app.cli`."""
