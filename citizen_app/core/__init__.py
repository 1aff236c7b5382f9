"""The domain core: plain Python, no Reflex. Pages and states call into it."""
