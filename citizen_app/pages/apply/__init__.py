"""Applying online: the start page, then one draft's pages (questions, documents, check, send, sent)."""

from citizen_app.pages.apply import check, documents, resume, send, sent, start, step

__all__ = ["check", "documents", "resume", "send", "sent", "start", "step"]
