"""Plain HTTP routes served next to the Reflex app (api_transformer)."""
