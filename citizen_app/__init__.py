"""Citizen public-service app for Vietnam."""
