"""Sandbox state registries (population, civil status, social insurance) mounted at ``/sandbox/registries``."""
