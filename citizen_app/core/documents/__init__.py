"""Documents the app issues as files (PDF/A): the receipt slip now, signed result certificates later."""
