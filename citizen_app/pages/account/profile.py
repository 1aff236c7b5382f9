"""``/{locale}/account``: identity verified by VNeID, contact details to edit, recent changes, sign out.

Phone first: one column, verified data as a summary list, then the form. Errors follow
the GOV.UK pattern: a summary at the top linking to each field, and the message again
above the field itself.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core import admin_units
from citizen_app.core.i18n import N_, Translator
from citizen_app.states.account import AccountState, ChangeRow, SummaryError
from citizen_app.states.base import AppState
from citizen_app.ui.links import app_link
from citizen_app.ui.location import sign_in_href
from citizen_app.ui.native_form import native_form
from citizen_app.ui.page import Page
from citizen_app.ui.session import session_ended_notice
from citizen_app.ui.shell import LANGUAGE_NAMES, href, shell

S = AccountState


# ---- pieces -------------------------------------------------------------------------------------


def _error_text(t: Translator, control_id: str, error: rx.Var) -> rx.Component:
    return rx.cond(
        error != "",
        rx.el.p(
            rx.el.span(t.gettext("Error:"), " ", class_name="visually-hidden"),
            error,
            id=f"{control_id}-error",
            class_name="field-error",
            data_testid=f"account-{control_id.replace('_', '-')}-error",
        ),
    )


def _described_by(control_id: str, error: rx.Var, hint: bool = True) -> rx.Var:
    base = f"{control_id}-hint" if hint else ""
    return rx.cond(error != "", f"{base} {control_id}-error".strip(), base)


def _text_field(
    t: Translator,
    *,
    control_id: str,
    label: str,
    hint: str,
    value: rx.Var,
    error: rx.Var,
    input_type: str,
    autocomplete: str,
    input_mode: str,
    testid: str,
    max_length: int,
) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=control_id, class_name="label"),
        rx.el.p(hint, id=f"{control_id}-hint", class_name="hint"),
        _error_text(t, control_id, error),
        rx.el.input(
            id=control_id,
            name=control_id,
            type=input_type,
            default_value=value,
            auto_complete=autocomplete,
            input_mode=input_mode,
            max_length=max_length,
            spell_check=False,
            aria_describedby=_described_by(control_id, error),
            aria_invalid=rx.cond(error != "", "true", "false"),
            class_name="input",
            data_testid=testid,
        ),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


def _error_summary(t: Translator) -> rx.Component:
    _ = t.gettext

    def item(error: SummaryError) -> rx.Component:
        return rx.el.li(
            rx.el.a(
                error["text"],
                href="#" + error["anchor"],
                data_testid="account-error-link-" + error["anchor"],
            )
        )

    return rx.cond(
        S.error_summary.length() > 0,
        rx.el.div(
            rx.el.h2(_("There is a problem"), id="error-summary-title", class_name="error-summary-title"),
            rx.el.p(_("Nothing was saved. Correct the details below, then save again.")),
            rx.el.ul(rx.foreach(S.error_summary, item), class_name="error-summary-list"),
            id="error-summary",
            class_name="error-summary",
            role="alert",
            tab_index=-1,
            aria_labelledby="error-summary-title",
            data_testid="account-error-summary",
        ),
    )


def _row(label: str, value: rx.Var | rx.Component, testid: str) -> rx.Component:
    return rx.el.div(rx.el.dt(label), rx.el.dd(value, data_testid=testid), class_name="summary-row")


def _verified(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.div(
            rx.el.h2(_("Your identity"), id="identity-title"),
            rx.el.span(
                rx.icon("shield-check", size=18, aria_hidden="true"),
                S.verified_badge,
                class_name="badge-verified",
                data_testid="account-verified-badge",
            ),
            class_name="account-section-head",
        ),
        rx.el.p(
            S.refreshed_at,
            " ",
            _("These details come from your electronic identity and cannot be changed here."),
            class_name="hint",
            data_testid="account-refreshed",
        ),
        rx.el.dl(
            _row(_("Full name"), S.full_name, "account-full-name"),
            _row(_("Personal identification number"), S.personal_id, "account-personal-id"),
            _row(_("Date of birth"), S.date_of_birth, "account-date-of-birth"),
            _row(_("Sex"), S.sex, "account-sex"),
            _row(_("Place of origin"), S.place_of_origin, "account-place-of-origin"),
            _row(_("Permanent address"), S.permanent_address, "account-permanent-address"),
            _row(
                _("Identity level"),
                rx.fragment(
                    rx.el.strong(S.level_label),
                    rx.el.span(S.level_explained, class_name="account-level-explained"),
                ),
                "account-level",
            ),
            class_name="summary-list",
        ),
        rx.cond(
            S.level_upgrade != "",
            rx.el.div(
                rx.el.h3(_("What level 2 unlocks")),
                rx.el.p(S.level_upgrade),
                class_name="notice",
                data_testid="account-level-upgrade",
            ),
        ),
        aria_labelledby="identity-title",
        class_name="account-section",
        data_testid="account-verified",
    )


def _address_fields(t: Translator) -> rx.Component:
    _ = t.gettext
    provinces = admin_units.provinces()  # the 34 official units, fixed at build time
    return rx.el.fieldset(
        rx.el.legend(_("Current address"), class_name="legend"),
        rx.el.p(
            _("Where you live now, if it is not your permanent address. Choose the province or city first."),
            id="address-hint",
            class_name="hint",
        ),
        rx.el.div(
            rx.el.label(_("Province or city"), html_for="province_code", class_name="label"),
            _error_text(t, "province_code", S.province_error),
            rx.el.select(
                rx.el.option(_("Choose a province or city"), value=""),
                *[rx.el.option(p.name, value=p.code) for p in provinces],
                id="province_code",
                name="province_code",
                default_value=S.province_code,
                on_change=S.choose_province,
                auto_complete="off",
                aria_describedby=_described_by("province_code", S.province_error, hint=False),
                aria_invalid=rx.cond(S.province_error != "", "true", "false"),
                class_name="select",
                data_testid="account-province",
            ),
            class_name="field",
        ),
        rx.el.div(
            rx.el.label(_("Commune, ward or special zone"), html_for="commune_code", class_name="label"),
            _error_text(t, "commune_code", S.commune_error),
            rx.el.select(
                rx.el.option(_("Choose a commune or ward"), value=""),
                rx.foreach(S.communes, lambda c: rx.el.option(c["name"], value=c["code"])),
                id="commune_code",
                name="commune_code",
                key=S.commune_key,
                default_value=S.commune_code,
                auto_complete="off",
                aria_describedby=_described_by("commune_code", S.commune_error, hint=False),
                aria_invalid=rx.cond(S.commune_error != "", "true", "false"),
                class_name="select",
                data_testid="account-commune",
            ),
            class_name="field",
        ),
        _text_field(
            t,
            control_id="street",
            label=_("House number and street"),
            hint=_("For example: 12 Phố Đội Cấn, tổ 5"),
            value=S.street,
            error=S.street_error,
            input_type="text",
            autocomplete="street-address",
            input_mode="text",
            testid="account-street",
            max_length=255,
        ),
        aria_describedby="address-hint",
        class_name="fieldset",
    )


def _choice(*, input_type: str, control_id: str, name: str, value: str, label: str, checked: rx.Var,
            testid: str, described_by: rx.Var | str | None = None) -> rx.Component:
    return rx.el.div(
        rx.el.input(
            type=input_type,
            id=control_id,
            name=name,
            value=value,
            default_checked=checked,
            aria_describedby=described_by,
            class_name="choice-input",
            data_testid=testid,
        ),
        rx.el.label(label, html_for=control_id, class_name="choice-label"),
        class_name=f"choice choice-{input_type}",
    )


def _preferences(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.fragment(
        rx.el.fieldset(
            rx.el.legend(_("Preferred language"), class_name="legend"),
            rx.el.p(_("For messages we send you."), id="locale-hint", class_name="hint"),
            _error_text(t, "locale-vi", S.locale_error),
            *[
                _choice(
                    input_type="radio",
                    control_id=f"locale-{code}",
                    name="preferred_locale",
                    value=code,
                    label=LANGUAGE_NAMES[code],
                    checked=S.preferred_locale == code,
                    testid=f"account-locale-{code}",
                )
                for code in ("vi", "en")
            ],
            aria_describedby="locale-hint",
            class_name="fieldset",
        ),
        rx.el.fieldset(
            rx.el.legend(_("Email notifications"), class_name="legend"),
            _error_text(t, "notify_email", S.notify_error),
            _choice(
                input_type="checkbox",
                control_id="notify_email",
                name="notify_email",
                value="on",
                label=_("Email me when an application changes status"),
                checked=S.notify_email,
                testid="account-notify-email",
            ),
            class_name="fieldset",
        ),
    )


def _contact_form(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.div(
            rx.el.h2(_("Your contact details"), id="contact-title"),
            rx.el.span(
                rx.icon("pencil", size=16, aria_hidden="true"),
                _("You can change these"),
                class_name="badge-profile",
            ),
            class_name="account-section-head",
        ),
        rx.el.p(
            _("Forms you fill in start with these details. Agencies use them to contact you."),
            class_name="hint",
        ),
        rx.el.form(
            _text_field(
                t,
                control_id="phone",
                label=_("Mobile phone number"),
                hint=_("10 digits, for example 0912 345 678"),
                value=S.phone,
                error=S.phone_error,
                input_type="tel",
                autocomplete="tel",
                input_mode="tel",
                testid="account-phone",
                max_length=20,
            ),
            _text_field(
                t,
                control_id="email",
                label=_("Email address"),
                hint=_("For example name@example.com"),
                value=S.email,
                error=S.email_error,
                input_type="email",
                autocomplete="email",
                input_mode="email",
                testid="account-email",
                max_length=254,
            ),
            _address_fields(t),
            _preferences(t),
            rx.el.button(
                rx.icon("save", size=20, aria_hidden="true"),
                _("Save my details"),
                type="submit",
                class_name="button",
                data_testid="account-save",
            ),
            key=S.form_version,
            on_submit=S.save,
            no_validate=True,  # the server validates and explains, in the person's language
            class_name="account-form",
            data_testid="account-form",
        ),
        aria_labelledby="contact-title",
        class_name="account-section",
    )


def _changes(t: Translator) -> rx.Component:
    _ = t.gettext

    def item(row: ChangeRow) -> rx.Component:
        return rx.el.li(
            rx.el.span(row["what"], class_name="change-what"),
            rx.el.span(row["when"], " · ", row["who"], class_name="change-meta"),
            class_name="change",
            data_testid="account-change",
        )

    return rx.el.section(
        rx.el.h2(_("Recent changes"), id="changes-title"),
        rx.el.p(_("Every change to your details is recorded: who made it, when, and what changed."), class_name="hint"),
        rx.cond(
            S.changes.length() > 0,
            rx.el.ul(rx.foreach(S.changes, item), class_name="change-list", data_testid="account-changes"),
            rx.el.p(_("No changes yet."), data_testid="account-no-changes"),
        ),
        aria_labelledby="changes-title",
        class_name="account-section",
    )


def _sign_out(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.h2(_("Sign out"), id="sign-out-title"),
        rx.el.p(_("Sign out when you finish, especially on a shared phone or computer."), class_name="hint"),
        # A form posted to the server route (not a page): it ends the session here and at VNeID. The
        # token proves the form came from this page (a link elsewhere cannot sign anyone out).
        native_form(
            rx.el.input(type="hidden", name="csrf", value=S.sign_out_token),
            rx.el.input(type="hidden", name="next", value=f"/{t.locale}/"),
            rx.el.button(
                rx.icon("log-out", size=20, aria_hidden="true"),
                _("Sign out"),
                type="submit",
                class_name="button button-secondary",
                data_testid="account-sign-out",
            ),
            action="/auth/logout",
            method="post",
        ),
        aria_labelledby="sign-out-title",
        class_name="account-section",
    )


def _staff_link(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        AppState.is_staff,
        rx.el.p(
            rx.icon("briefcase", size=20, aria_hidden="true"),
            rx.el.span(_("You also have a staff account.")),
            app_link(_("Go to the counter workspace"), to=href(t, "/staff"), testid="account-staff-link"),
            class_name="notice account-staff",
        ),
    )


def _notices(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.fragment(
        rx.cond(
            S.saved_message != "",
            rx.el.div(
                rx.icon("circle-check", size=20, aria_hidden="true"),
                rx.el.span(S.saved_message),
                class_name="notice notice-success",
                role="status",
                data_testid="account-saved",
            ),
        ),
        rx.cond(
            S.restored,
            rx.el.p(
                _("We kept what you typed before your session ended. Check it, then save."),
                class_name="notice notice-warning",
                role="status",
                data_testid="account-restored",
            ),
        ),
        _error_summary(t),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.h1(_("Your account"), data_testid="account-heading"),
        session_ended_notice(t),
        rx.match(
            S.status,
            (
                "ready",
                rx.el.div(
                    _notices(t),
                    _staff_link(t),
                    _verified(t),
                    _contact_form(t),
                    _changes(t),
                    _sign_out(t),
                    class_name="account",
                    data_testid="account-page",
                ),
            ),
            (
                "signed_out",
                rx.cond(
                    AppState.session_expired,
                    rx.fragment(),
                    rx.el.p(
                        _("Sign in to see and change your details."),
                        " ",
                        app_link(_("Sign in"), to=sign_in_href(), reload_document=True, testid="account-sign-in"),
                    ),
                ),
            ),
            rx.el.p(_("Loading your details…"), class_name="hint", role="status", data_testid="account-loading"),
        ),
        active="account",
    )


PAGE = Page(
    route="/account",
    title=N_("Your account"),
    build=build,
    on_load=AccountState.load,
    description=N_("Your identity verified by VNeID, and the contact details forms start with."),
)
