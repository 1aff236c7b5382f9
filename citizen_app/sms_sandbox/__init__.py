"""The sandbox SMS gateway: speaks the ``http-json`` provider API and shows what was sent."""
