"""Reflex states: thin. They hold what a page shows and call the core for everything else."""
