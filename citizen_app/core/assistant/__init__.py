"""The procedure assistant (issue 15, item 1): a citizen tells her situation, it answers with the
right procedure or linked group, asking at most three clarifying questions. See docs/assistant.md."""
