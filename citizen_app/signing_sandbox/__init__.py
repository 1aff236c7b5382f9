"""The sandbox certificate authority the app makes for itself (``SIGNING_AUTHORITY=sandbox``, the default)."""
