"""Identity: who the user is (OIDC), their session, and their profile."""
