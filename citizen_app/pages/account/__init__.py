"""The citizen's account: profile (verified identity and contact details), sign out."""
