"""Questions drawn from a procedure's form schema, and document upload slots (GOV.UK patterns, phone first).

The shapes come from ``citizen_app.ui.apply_view`` (plain dataclasses the state fills):
:class:`FieldView` for a question, :class:`ControlView` for one control of a group entry,
:class:`SlotView` for a document slot, :class:`ErrorLink` for the error summary. Pages
pass the state's list vars and a :class:`FieldEvents` saying which handlers to call::

    events = FieldEvents(changed=MyState.set_answer, group_action=my_group_action)
    rx.el.form(questions(t, MyState.fields, events), ...)

Every control is uncontrolled (``default_value`` + ``key``): typing never waits for the
network, and the server shows its own values again by changing a control's key. Test ids:
``field-<name>`` (the input; radios ``field-<name>-<value>``; addresses
``field-<name>.province_code`` …), ``error-<name>``, ``badge-<name>``,
``group-add-<id>``, ``group-remove-<id>-<index>``, ``attachment-input-<slot>``,
``attachment-camera-<slot>``, ``attachment-<id>``, ``remove-attachment-<id>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex_components_core.el.elements.forms import Input
from reflex_components_core.el.elements.inline import A

from citizen_app.core import admin_units
from citizen_app.core.i18n import Translator
from citizen_app.ui.apply_view import ControlView, ErrorLink
from citizen_app.ui.links import app_link

# Phones offer "Camera" and "Files" for these; the server checks the content whatever the name says.
ACCEPT_FILES = {"image/*": [], "application/pdf": [".pdf"]}
ACCEPT_PHOTOS = {"image/*": []}
TYPING_DEBOUNCE_MS = 700


@dataclass(frozen=True)
class FieldEvents:
    """The handlers controls call.

    ``changed(key, name, value)``: a control changed (typing is debounced; choices are sent at once).
    ``group_action(intent)``: an EventSpec for "add:<group>" / "remove:<group>:<index>" (a Var).
    """

    changed: Callable[..., Any]
    group_action: Callable[[Any], Any]
    debounce_ms: int = TYPING_DEBOUNCE_MS


# ---- small pieces ------------------------------------------------------------------------------


def document_link(*children: Any, href: Any, **props: Any) -> rx.Component:
    """A plain ``<a>``: in-page anchors and server routes (``rx.el.a`` is React Router's Link,
    which would look the path up among the app's pages, or rerun the page's loader for ``#id``)."""
    return A.create(*children, href=href, **props)


def _badge(t: Translator, c: Any) -> rx.Component:
    """Where a prefilled answer came from, in the words of its source ("Verified by VNeID", …)."""

    def badge(icon: str, css: str) -> rx.Component:
        return rx.el.span(
            rx.icon(icon, size=16, aria_hidden="true"),
            c.provenance_label,
            id=f"{c.control_id}-badge",
            class_name=css,
            data_testid=f"badge-{c.name}",
        )

    return rx.match(
        c.provenance,
        ("verified", badge("shield-check", "badge-verified")),
        ("profile", badge("user-round", "badge-profile")),
        ("source", badge("database", "badge-profile")),
        rx.fragment(),
    )


def _hint(c: Any) -> rx.Component:
    return rx.cond(c.hint != "", rx.el.p(c.hint, id=f"{c.control_id}-hint", class_name="hint"))


def _error(t: Translator, error: Any, element_id: Any, testid: Any) -> rx.Component:
    return rx.cond(
        error != "",
        rx.el.p(
            rx.el.span(t.gettext("Error:"), " ", class_name="visually-hidden"),
            error,
            id=element_id,
            class_name="field-error",
            data_testid=testid,
        ),
    )


def _invalid(error: Any) -> Any:
    return rx.cond(error != "", "true", "false")


def _typed(events: FieldEvents, c: Any) -> Any:
    return lambda value: events.changed(c.key, c.name, value).debounce(events.debounce_ms)


# ---- one control ---------------------------------------------------------------------------------


def _text_input(t: Translator, c: Any, events: FieldEvents) -> rx.Component:
    return rx.fragment(
        rx.el.div(
            rx.el.label(c.label, html_for=c.control_id, class_name="label"),
            _badge(t, c),
            class_name="label-row",
        ),
        _hint(c),
        _error(t, c.error, f"{c.control_id}-error", f"error-{c.name}"),
        rx.el.input(
            id=c.control_id,
            name=c.name,
            type=c.input_type,
            default_value=c.value,
            key=c.key,
            input_mode=c.input_mode,
            auto_complete=c.autocomplete,
            max_length=c.max_length,
            min=c.min,
            max=c.max,
            read_only=c.locked,
            required=c.required,
            aria_describedby=c.described_by,
            aria_invalid=_invalid(c.error),
            class_name=f"input input-{c.type}",
            on_change=_typed(events, c),
            data_testid=f"field-{c.name}",
        ),
    )


def _textarea(t: Translator, c: Any, events: FieldEvents) -> rx.Component:
    return rx.fragment(
        rx.el.div(rx.el.label(c.label, html_for=c.control_id, class_name="label"), _badge(t, c), class_name="label-row"),
        _hint(c),
        _error(t, c.error, f"{c.control_id}-error", f"error-{c.name}"),
        rx.el.textarea(
            id=c.control_id,
            name=c.name,
            default_value=c.value,
            key=c.key,
            rows=5,
            max_length=c.max_length,
            read_only=c.locked,
            required=c.required,
            aria_describedby=c.described_by,
            aria_invalid=_invalid(c.error),
            class_name="textarea",
            on_change=_typed(events, c),
            data_testid=f"field-{c.name}",
        ),
    )


def _select(t: Translator, c: Any, events: FieldEvents) -> rx.Component:
    _ = t.gettext
    return rx.fragment(
        rx.el.div(rx.el.label(c.label, html_for=c.control_id, class_name="label"), _badge(t, c), class_name="label-row"),
        _hint(c),
        _error(t, c.error, f"{c.control_id}-error", f"error-{c.name}"),
        rx.el.select(
            rx.el.option(_("Choose an option"), value=""),
            rx.foreach(c.options, lambda o: rx.el.option(o.label, value=o.value)),
            id=c.control_id,
            name=c.name,
            default_value=c.value,
            key=c.key,
            disabled=c.locked,
            required=c.required,
            aria_describedby=c.described_by,
            aria_invalid=_invalid(c.error),
            class_name="select",
            on_change=lambda value: events.changed(c.key, c.name, value),
            data_testid=f"field-{c.name}",
        ),
    )


def _radios(t: Translator, c: Any, events: FieldEvents) -> rx.Component:
    def option(o: Any) -> rx.Component:
        option_id = f"{c.control_id}-{o.value}"
        return rx.el.div(
            rx.el.input(
                type="radio",
                id=option_id,
                name=c.name,
                value=o.value,
                default_checked=c.value == o.value,
                disabled=c.locked,
                class_name="option-input",
                on_change=lambda value: events.changed(c.key, c.name, value),
                data_testid=f"field-{c.name}-{o.value}",
            ),
            rx.el.label(o.label, html_for=option_id, class_name="option-label"),
            class_name="option option-radio",
        )

    return rx.el.fieldset(
        rx.el.legend(c.label, class_name="legend"),
        _badge(t, c),
        _hint(c),
        _error(t, c.error, f"{c.control_id}-error", f"error-{c.name}"),
        rx.el.div(rx.foreach(c.options, option), class_name="options"),
        id=c.control_id,
        key=c.key,
        aria_describedby=c.described_by,
        class_name="fieldset",
    )


def _checkbox(t: Translator, c: Any, events: FieldEvents) -> rx.Component:
    return rx.fragment(
        _hint(c),
        _error(t, c.error, f"{c.control_id}-error", f"error-{c.name}"),
        rx.el.div(
            rx.el.input(
                type="checkbox",
                id=c.control_id,
                name=c.name,
                value="on",
                default_checked=c.checked,
                key=c.key,
                disabled=c.locked,
                aria_describedby=c.described_by,
                aria_invalid=_invalid(c.error),
                class_name="option-input",
                on_change=lambda checked: events.changed(c.key, c.name, checked),
                data_testid=f"field-{c.name}",
            ),
            rx.el.label(c.label, html_for=c.control_id, class_name="option-label"),
            class_name="option option-checkbox",
        ),
        _badge(t, c),
    )


def _address(t: Translator, c: Any, events: FieldEvents) -> rx.Component:
    _ = t.gettext
    provinces = admin_units.provinces()  # the 34 units in force, fixed at build time
    province_id, commune_id, street_id = (f"{c.control_id}-{part}" for part in ("province_code", "commune_code", "street"))
    return rx.el.fieldset(
        rx.el.legend(c.label, class_name="legend"),
        _badge(t, c),
        _hint(c),
        rx.el.div(
            rx.el.label(_("Province or city"), html_for=province_id, class_name="label"),
            _error(t, c.province_error, f"{province_id}-error", f"error-{c.name}.province_code"),
            rx.el.select(
                rx.el.option(_("Choose a province or city"), value=""),
                *[rx.el.option(p.name, value=p.code) for p in provinces],
                id=province_id,
                name=f"{c.name}.province_code",
                default_value=c.province,
                key=c.key,
                disabled=c.locked,
                auto_complete="off",
                aria_invalid=_invalid(c.province_error),
                aria_describedby=rx.cond(c.province_error != "", f"{province_id}-error", ""),
                class_name="select",
                on_change=lambda value: events.changed(c.key, f"{c.name}.province_code", value),
                data_testid=f"field-{c.name}.province_code",
            ),
            class_name="field field-part",
        ),
        rx.el.div(
            rx.el.label(_("Commune, ward or special zone"), html_for=commune_id, class_name="label"),
            _error(t, c.commune_error, f"{commune_id}-error", f"error-{c.name}.commune_code"),
            rx.el.select(
                rx.el.option(_("Choose a commune or ward"), value=""),
                rx.foreach(c.communes, lambda o: rx.el.option(o.label, value=o.value)),
                id=commune_id,
                name=f"{c.name}.commune_code",
                default_value=c.commune,
                key=c.commune_key,
                disabled=c.locked,
                auto_complete="off",
                aria_invalid=_invalid(c.commune_error),
                aria_describedby=rx.cond(c.commune_error != "", f"{commune_id}-error", ""),
                class_name="select",
                on_change=lambda value: events.changed(c.key, f"{c.name}.commune_code", value),
                data_testid=f"field-{c.name}.commune_code",
            ),
            class_name="field field-part",
        ),
        rx.el.div(
            rx.el.label(_("House number and street"), html_for=street_id, class_name="label"),
            rx.el.p(_("For example: 12 Phố Đội Cấn, tổ 5"), id=f"{street_id}-hint", class_name="hint"),
            _error(t, c.street_error, f"{street_id}-error", f"error-{c.name}.street"),
            rx.el.input(
                id=street_id,
                name=f"{c.name}.street",
                type="text",
                default_value=c.street,
                key=c.key,
                auto_complete="street-address",
                max_length=255,
                read_only=c.locked,
                aria_invalid=_invalid(c.street_error),
                aria_describedby=rx.cond(
                    c.street_error != "", f"{street_id}-hint {street_id}-error", f"{street_id}-hint"
                ),
                class_name="input",
                on_change=lambda value: events.changed(c.key, f"{c.name}.street", value).debounce(
                    events.debounce_ms
                ),
                data_testid=f"field-{c.name}.street",
            ),
            class_name="field field-part",
        ),
        id=c.control_id,
        aria_describedby=c.described_by,
        class_name="fieldset",
    )


def control(t: Translator, c: Any, events: FieldEvents) -> rx.Component:
    """One question that is not a group: a ``ControlView`` (or ``FieldView``) var."""
    return rx.match(
        c.type,
        ("radio", _radios(t, c, events)),
        ("checkbox", _checkbox(t, c, events)),
        ("address", _address(t, c, events)),
        ("select", _select(t, c, events)),
        ("textarea", _textarea(t, c, events)),
        _text_input(t, c, events),
    )


def _group(t: Translator, f: Any, events: FieldEvents) -> rx.Component:
    _ = t.gettext

    def item_field(c: ControlView) -> rx.Component:
        return rx.el.div(
            control(t, c, events),
            hidden=~c.visible,
            class_name=rx.cond(c.error != "", "field field-has-error", "field"),
            data_testid=f"question-{c.name}",
        )

    def item(entry: Any) -> rx.Component:
        return rx.el.fieldset(
            rx.el.legend(entry.title, class_name="legend legend-item"),
            rx.foreach(entry.fields, item_field),
            rx.el.button(
                rx.icon("trash-2", size=18, aria_hidden="true"),
                _("Remove"),
                rx.el.span(" ", entry.title, class_name="visually-hidden"),
                type="button",
                on_click=events.group_action(entry.remove_intent),
                class_name="button button-secondary",
                data_testid=f"group-remove-{f.id}-{entry.index}",
            ),
            id=entry.control_id,
            key=entry.key,
            class_name="group-item",
        )

    return rx.el.fieldset(
        rx.el.legend(f.label, class_name="legend"),
        _hint(f),
        _error(t, f.error, f"{f.control_id}-error", f"error-{f.id}"),
        rx.el.input(type="hidden", name=f.count_name, value=f.group_entries.length()),
        rx.foreach(f.group_entries, item),
        rx.cond(
            f.can_add,
            rx.el.button(
                rx.icon("plus", size=18, aria_hidden="true"),
                rx.cond(f.group_entries.length() > 0, _("Add another"), _("Add an entry")),
                type="button",
                on_click=events.group_action(f.add_intent),
                class_name="button button-secondary",
                data_testid=f"group-add-{f.id}",
            ),
        ),
        id=f.control_id,
        aria_describedby=f.described_by,
        class_name="fieldset group",
    )


def question(t: Translator, f: Any, events: FieldEvents) -> rx.Component:
    """A top-level question (``FieldView`` var); hidden by its ``show_if`` but kept, so typed answers stay."""
    return rx.el.div(
        rx.cond(f.type == "group", _group(t, f, events), control(t, f, events)),
        hidden=~f.visible,
        class_name=rx.cond(f.error != "", "field field-has-error", "field"),
        data_testid=f"question-{f.id}",
    )


def questions(t: Translator, fields: Any, events: FieldEvents) -> rx.Component:
    """Every question of a step: ``fields`` is a ``list[FieldView]`` var."""
    return rx.foreach(fields, lambda f: question(t, f, events))


# ---- error summary -------------------------------------------------------------------------------


def error_summary(t: Translator, links: Any, *, lead: str = "", testid: str = "error-summary") -> rx.Component:
    """GOV.UK error summary: focusable, one link per problem (in-page ``#id`` or another page's path)."""
    _ = t.gettext

    def item(link: ErrorLink) -> rx.Component:
        return rx.el.li(
            rx.cond(
                link.anchor.startswith("/"),
                app_link(link.text, to=link.anchor, testid="error-link"),
                document_link(link.text, href="#" + link.anchor, data_testid="error-link"),
            )
        )

    return rx.cond(
        links.length() > 0,
        rx.el.div(
            rx.el.h2(_("There is a problem"), id="error-summary-title", class_name="error-summary-title"),
            rx.el.p(lead) if lead else rx.fragment(),
            rx.el.ul(rx.foreach(links, item), class_name="error-summary-list"),
            id="error-summary",
            class_name="error-summary",
            role="alert",
            tab_index=-1,
            aria_labelledby="error-summary-title",
            data_testid=testid,
        ),
    )


# ---- documents -------------------------------------------------------------------------------------


def with_file_input(zone: rx.Component, **attributes: Any) -> rx.Component:
    """Give the upload zone's own ``<input type=file>`` our attributes (test id, camera capture)."""
    stack = [zone]
    while stack:
        component = stack.pop()
        if isinstance(component, Input):
            component.custom_attrs.update(attributes)
            return zone
        stack.extend(getattr(component, "children", []))
    raise RuntimeError("the upload zone has no file input")


@dataclass(frozen=True)
class SlotEvents:
    """``upload(files, index)``: the slot's files; ``refused(index)``: the browser refused a type;
    ``remove(attachment_id)``: take a file out."""

    upload: Any
    refused: Any
    remove: Any
    # Issue 13: ``use_stored(index, document_id)`` takes a document from the citizen's store (optional).
    use_stored: Any = None


def _stored_choices(t: Translator, slot: Any, index: int, events: SlotEvents) -> rx.Component:
    """Issue 13: "use from my documents": one button per stored document the slot accepts."""
    _ = t.gettext
    if events.use_stored is None:
        return rx.fragment()

    def choice(item: Any) -> rx.Component:
        return rx.el.li(
            rx.el.span(
                rx.el.span(item.name, class_name="attachment-name"),
                rx.el.span(item.detail, class_name="attachment-size"),
                class_name="attachment-text",
            ),
            rx.el.button(
                _("Use this"),
                rx.el.span(" ", item.name, class_name="visually-hidden"),
                type="button",
                on_click=events.use_stored(index, item.id),
                class_name="button attachment-remove",
                data_testid=f"use-stored-{item.id}",
            ),
            class_name="attachment",
        )

    return rx.cond(
        slot.stored.length() > 0,
        rx.el.div(
            rx.el.p(rx.el.strong(_("Use from my documents")), class_name="slot-meta"),
            rx.el.p(_("You already hold a document this slot accepts: use it instead of uploading."), class_name="hint"),
            rx.el.ul(rx.foreach(slot.stored, choice), class_name="attachment-list"),
            data_testid=f"stored-{index}",
        ),
    )


def document_slot(t: Translator, slots: Any, index: int, events: SlotEvents) -> rx.Component:
    """Slot ``index`` of a ``list[SlotView]`` var: its files (thumbnails), problems, and two pickers.

    Upload zones hold React hooks, so they are drawn at fixed positions (not in a foreach).
    """
    _ = t.gettext
    slot: Any = slots[index]
    upload_id = f"upload-{index}"
    camera_id = f"camera-{index}"

    def attached(item: Any) -> rx.Component:
        return rx.el.li(
            rx.cond(
                item.kind == "thumbnail",
                rx.el.img(
                    src=item.thumbnail_url,
                    alt="",
                    class_name="attachment-thumb",
                    custom_attrs={"width": "64", "height": "64", "loading": "lazy"},
                ),
                rx.el.span(rx.icon("file-text", size=32, aria_hidden="true"), class_name="attachment-thumb attachment-icon"),
            ),
            rx.el.span(
                document_link(item.name, href=item.file_url, target="_blank", rel="noopener", class_name="attachment-name"),
                rx.el.span(item.size, class_name="attachment-size"),
                class_name="attachment-text",
            ),
            rx.el.button(
                _("Remove"),
                rx.el.span(" ", item.name, class_name="visually-hidden"),
                type="button",
                on_click=events.remove(item.id),
                class_name="button button-secondary attachment-remove",
                data_testid=f"remove-attachment-{item.id}",
            ),
            class_name="attachment",
            data_testid=f"attachment-{item.id}",
        )

    choose = rx.upload.root(
        rx.el.span(
            rx.icon("paperclip", size=20, aria_hidden="true"),
            _("Choose a file"),
            class_name="button button-secondary upload-button",
        ),
        id=upload_id,
        accept=ACCEPT_FILES,
        multiple=True,
        no_keyboard=False,
        on_drop=events.upload(rx.upload_files(upload_id=upload_id), index),
        on_drop_rejected=events.refused(index),
        class_name="upload-zone",
    )
    camera = rx.upload.root(
        rx.el.span(
            rx.icon("camera", size=20, aria_hidden="true"),
            _("Take a photo"),
            class_name="button button-secondary upload-button",
        ),
        id=camera_id,
        accept=ACCEPT_PHOTOS,
        multiple=False,
        no_drag=True,
        on_drop=events.upload(rx.upload_files(upload_id=camera_id), index),
        on_drop_rejected=events.refused(index),
        class_name="upload-zone",
    )
    return rx.el.section(
        rx.el.h2(slot.label, id=f"slot-{index}-title", class_name="slot-title"),
        rx.el.p(
            rx.cond(slot.required, rx.el.span(_("Required"), class_name="tag tag-error"),
                    rx.el.span(_("If it applies"), class_name="tag")),
            " ",
            rx.el.span(slot.limit, class_name="slot-limit"),
            class_name="slot-meta",
        ),
        rx.cond(slot.hint != "", rx.el.p(slot.hint, class_name="hint")),
        _error(t, slot.error, f"slot-{index}-error", f"error-attachments.{slot.id}"),
        rx.cond(
            slot.files.length() > 0,
            rx.el.ul(rx.foreach(slot.files, attached), class_name="attachment-list", data_testid=f"attachments-{slot.id}"),
        ),
        # Shown by the page's script (assets/js/apply.js) while picked files travel to the server.
        rx.el.p(
            rx.icon("loader", size=18, aria_hidden="true"),
            rx.el.span(_("Uploading…")),
            class_name="upload-status",
            role="status",
            data_testid=f"uploading-{slot.id}",
        ),
        _stored_choices(t, slot, index, events),
        rx.cond(
            slot.can_add,
            rx.el.div(
                with_file_input(choose, **{"data-testid": f"attachment-input-{slot.id}",
                                            "aria-label": _("Choose a file")}),
                with_file_input(camera, capture="environment",
                                 **{"data-testid": f"attachment-camera-{slot.id}", "aria-label": _("Take a photo")}),
                class_name="upload-actions",
            ),
        ),
        id=f"slot-{slot.id}",
        tab_index=-1,
        aria_labelledby=f"slot-{index}-title",
        class_name="slot",
        data_testid=f"slot-{slot.id}",
        # A slot asked only under a condition the answers do not meet (issue 12).
        hidden=~slot.shown,
    )
