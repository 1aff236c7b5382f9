"""Every page of the app, in one list. Each module defines ``PAGE``; the app adds it once per locale."""

from __future__ import annotations

from citizen_app.pages import apply, home
from citizen_app.pages import notifications as notifications_page
from citizen_app.pages.account import profile as account_profile
from citizen_app.pages.applications import dossier as applications_dossier
from citizen_app.pages.applications import mine as applications_mine
from citizen_app.pages.assistant import chat as assistant_chat
from citizen_app.pages.catalog import fields as catalog_fields
from citizen_app.pages.catalog import search as catalog_search
from citizen_app.pages.catalog import service as catalog_service
from citizen_app.pages.feedback import about as feedback_about
from citizen_app.pages.feedback import answers as feedback_answers
from citizen_app.pages.feedback import check as feedback_check
from citizen_app.pages.feedback import contact as feedback_contact
from citizen_app.pages.feedback import details as feedback_details
from citizen_app.pages.feedback import photo as feedback_photo
from citizen_app.pages.feedback import sent as feedback_sent
from citizen_app.pages.feedback import staff_inbox as feedback_staff_inbox
from citizen_app.pages.feedback import staff_message as feedback_staff_message
from citizen_app.pages.feedback import start as feedback_start
from citizen_app.pages.feedback import subject as feedback_subject
from citizen_app.pages.feedback import track as feedback_track
from citizen_app.pages.life_events import group as life_event_group
from citizen_app.pages.open_data import indicators as open_data_indicators
from citizen_app.pages.staff import assist as staff_assist
from citizen_app.pages.staff import audit as staff_audit
from citizen_app.pages.staff import dashboard as staff_dashboard
from citizen_app.pages.staff import dossier as staff_dossier
from citizen_app.pages.staff import home as staff_home
from citizen_app.pages.staff import open as staff_open
from citizen_app.pages.staff import queue as staff_queue
from citizen_app.pages.track import lookup as track_lookup
from citizen_app.ui.page import Page

PAGES: tuple[Page, ...] = (
    home.PAGE,
    catalog_search.PAGE,
    catalog_service.PAGE,
    catalog_fields.PAGE,
    account_profile.PAGE,
    staff_home.PAGE,
    staff_queue.PAGE,
    staff_open.PAGE,
    staff_dossier.PAGE,
    staff_assist.PAGE,
    staff_dashboard.PAGE,
    staff_audit.PAGE,
    apply.start.PAGE,
    apply.resume.PAGE,
    apply.step.PAGE,
    apply.documents.PAGE,
    apply.check.PAGE,
    apply.send.PAGE,
    apply.sent.PAGE,
    applications_mine.PAGE,
    applications_dossier.PAGE,
    notifications_page.PAGE,
    track_lookup.PAGE,
    # Issue 15: feedback and petitions, open data.
    feedback_start.PAGE,
    feedback_about.PAGE,
    feedback_subject.PAGE,
    feedback_details.PAGE,
    feedback_photo.PAGE,
    feedback_contact.PAGE,
    feedback_check.PAGE,
    feedback_sent.PAGE,
    feedback_track.PAGE,
    feedback_answers.PAGE,
    feedback_staff_inbox.PAGE,
    feedback_staff_message.PAGE,
    open_data_indicators.PAGE,
    # Issue 15: the procedure assistant.
    assistant_chat.PAGE,
    # Issue 12: life events sent as one application.
    life_event_group.PAGE,
)


def all_pages() -> tuple[Page, ...]:
    """PAGES, plus one prerendered page per curated procedure (read from the catalogue at build time)."""
    return (*PAGES, *catalog_service.prerendered_pages())
