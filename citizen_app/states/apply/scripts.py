"""The small browser-side pieces of the apply flow, run with ``rx.call_script``.

They depend on nothing but the page itself (the step form has ``id="step-form"``), except
``PENDING_JS``, which asks ``assets/js/apply.js`` for answers kept on the phone.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.event import EventSpec

# Reads the submission key this browser made for a draft, or makes one (UUID v4): a double tap, a
# retry after a dropped connection or a second tab all send the same key, so one dossier is made.
SUBMISSION_KEY_JS = """(function () {
  var id = window.location.pathname.split('/')[3] || '';
  var name = 'citizen-apply-key:' + id, key = null;
  try { key = window.localStorage.getItem(name); } catch (e) {}
  if (!key) {
    var b = new Uint8Array(16); window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    key = h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
    try { window.localStorage.setItem(name, key); } catch (e) {}
  }
  return key;
})()"""


def collect_form_js(intent: str | rx.Var) -> str | rx.Var:
    """The step form's current values (what Continue would post) and an intent, for a call_script callback.

    ``intent`` may be a var (a group entry's, inside a foreach): the code is then assembled in the
    browser, where the entry is known.
    """
    head = (
        "(function () { var f = document.getElementById('step-form'), v = {};"
        " if (f) { new FormData(f).forEach(function (value, name) {"
        " if (typeof value === 'string') { v[name] = value; } }); }"
        " return {values: v, intent: "
    )
    tail = "}; })()"
    if isinstance(intent, rx.Var):
        return rx.Var(
            f"({json.dumps(head)} + JSON.stringify({intent}) + {json.dumps(tail)})",
            _var_data=intent._get_all_var_data(),
        ).to(str)
    return head + json.dumps(intent) + tail


# Asks the page's script (assets/js/apply.js) for answers it kept while the server could not be reached.
PENDING_JS = "(window.citizenApply ? window.citizenApply.pending() : null)"


def forget_pending_js(draft_id: int, page: str) -> EventSpec:
    key = json.dumps(f"{draft_id}/{page}")
    return rx.call_script(f"window.citizenApply && window.citizenApply.forget({key})")


def name_the_document(title: str, locale: str) -> EventSpec:
    """Dynamic routes are served from the SPA fallback, whose title and lang are not this page's."""
    return rx.call_script(
        f"document.title = {json.dumps(title)}; document.documentElement.lang = {json.dumps(locale)};"
    )


def focus(element_id: str) -> EventSpec:
    target = json.dumps(element_id)
    return rx.call_script(
        "window.setTimeout(function () { var e = document.getElementById(" + target + ");"
        " if (e) { e.focus(); } }, 60)"
    )


# Tells the page's script that the files just picked have been checked (their slot stops saying "Uploading…").
UPLOADED_JS = "(window.citizenApply && window.citizenApply.uploaded && window.citizenApply.uploaded())"
