"""One module per prefill source, each exposing ``SOURCE``; ``core.prefill.registry`` finds them."""
