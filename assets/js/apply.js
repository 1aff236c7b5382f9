/* Apply online: keep answers on the phone while the server cannot be reached, send them when it can.
 *
 * While online, every change is saved on the server as the citizen types (the page's own
 * events). While the connection is down (the shell shows its offline banner) or the session
 * has ended (the sign-in notice shows), the step form's values are kept in localStorage under
 * "citizen-apply:<draft>/<page>". When the connection returns, or the page is opened again,
 * the kept values are sent through the page's hidden "draft-sync" button; the server saves
 * them, says so on the page, and tells this script to forget them.
 *
 * It also shows "Uploading…" in a document slot from the moment a file is picked until the
 * server has checked it (a phone photo can take a while on a slow connection).
 */
(function () {
  "use strict";
  if (window.citizenApply) return;
  var PREFIX = "citizen-apply:";

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function stepForm() {
    return document.querySelector("form[data-draft-form]");
  }
  function cannotSave() {
    return !navigator.onLine ||
      !!document.querySelector('[data-testid="connection-banner"]') ||
      !!document.querySelector('[data-testid="session-ended"]');
  }
  function values(form) {
    var kept = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") kept[name] = value;
    });
    return kept;
  }
  function keep(event) {
    var form = event.target && event.target.form;
    var ls = store();
    if (!ls || !form || !form.dataset || !form.dataset.draftForm) return;
    var name = PREFIX + form.dataset.draftForm;
    // Online, the server has every change already; once something is kept, keep it current.
    if (!cannotSave() && !ls.getItem(name)) return;
    try {
      ls.setItem(name, JSON.stringify({ values: values(form), at: Date.now() }));
    } catch (e) { /* storage full or refused: the server copy is all there is */ }
  }
  document.addEventListener("input", keep, true);
  document.addEventListener("change", keep, true);

  // A file was picked: say "Uploading…" in its slot until the server has answered (uploaded()).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.files || !input.files.length) return;
    var slot = input.closest(".slot");
    if (slot) slot.setAttribute("data-uploading", "");
  }, true);

  var timer = null;
  var lastSent = "";
  function syncSoon() {
    if (timer) return;
    timer = window.setTimeout(function () {
      timer = null;
      var form = stepForm();
      var ls = store();
      if (!form || !ls || cannotSave()) return;
      var name = PREFIX + form.dataset.draftForm;
      var kept = ls.getItem(name);
      if (!kept || kept === lastSent) return;
      var button = document.querySelector('[data-testid="draft-sync"]');
      if (button && document.querySelector('[data-hydrated="true"]')) {
        lastSent = kept;
        button.click();
      }
    }, 400);
  }
  window.addEventListener("online", syncSoon);
  // The offline banner going away, or a step page appearing, are both DOM changes.
  new MutationObserver(syncSoon).observe(document.documentElement, { childList: true, subtree: true });

  window.citizenApply = {
    /* What the page's hidden sync button sends to the server: {draft, values} or null. */
    pending: function () {
      var form = stepForm();
      var ls = store();
      if (!form || !ls) return null;
      var kept = ls.getItem(PREFIX + form.dataset.draftForm);
      if (!kept) return null;
      try {
        var parsed = JSON.parse(kept);
        return { draft: form.dataset.draftForm, values: parsed.values || {} };
      } catch (e) {
        return null;
      }
    },
    /* The server saved them. */
    forget: function (draft) {
      var ls = store();
      if (ls) ls.removeItem(PREFIX + draft);
      lastSent = "";
    },
    /* The server has checked the files just picked. */
    uploaded: function () {
      document.querySelectorAll(".slot[data-uploading]").forEach(function (slot) {
        slot.removeAttribute("data-uploading");
      });
    }
  };
  syncSoon();
})();
