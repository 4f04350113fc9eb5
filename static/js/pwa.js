/* Comunidad OSC — the page's side of reading offline (the worker is static/sw.js).
 *
 * 1. Registers the service worker named by this script's data-worker attribute.
 * 2. A page the worker answered from its saved copies carries <meta name="offline-copy">:
 *    a saved page gets the notice "Sin conexión: datos de <fecha>" (the date it was saved);
 *    the offline page shows why it is shown (a page never opened, or a form not sent).
 * 3. A form sent while the phone knows it has no connection is stopped here, and the person
 *    is told it was NOT sent; what they typed stays on the page. Nothing is queued.
 * 4. Signing out asks the worker to forget this person's saved pages (the server's
 *    Clear-Site-Data answer does too; either alone is enough).
 *
 * The texts come translated in data-* attributes of this script's tag (templates/_pwa.html).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    return;
  }
  var texts = script.dataset;

  function register() {
    if (!("serviceWorker" in navigator) || !texts.worker) {
      return;
    }
    navigator.serviceWorker.register(texts.worker, {scope: texts.scope || "/"})
      .catch(function () {
        /* no worker (private mode, an old browser): the site works as before */
      });
  }

  function savedDate(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) {
      return "";
    }
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || "es-MX", {
        dateStyle: "long", timeStyle: "short", timeZone: "America/Mexico_City"
      }).format(date);
    } catch (e) {
      return date.toLocaleString();
    }
  }

  /* A flash message at the top of the page, like the server's own. */
  function announce(text, kind, role) {
    var container = document.querySelector("#contenido .container") ||
      document.getElementById("contenido") || document.body;
    var box = document.createElement("div");
    box.className = "flashes";
    box.setAttribute("data-offline-message", kind);
    var flash = document.createElement("div");
    flash.className = "flash flash--" + kind;
    flash.setAttribute("role", role);
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    flash.appendChild(paragraph);
    box.appendChild(flash);
    var old = container.querySelector("[data-offline-message='" + kind + "']");
    if (old) {
      old.parentNode.removeChild(old);
    }
    container.insertBefore(box, container.firstChild);
    return box;
  }

  function showSavedCopy() {
    var mark = document.querySelector('meta[name="offline-copy"]');
    if (!mark) {
      return;
    }
    var reason = mark.getAttribute("content");
    if (reason === "page") {
      announce((texts.offlineNotice || "").replace("{date}", savedDate(mark.dataset.saved)),
        "info", "status");
      return;
    }
    var shown = document.querySelectorAll("[data-offline-reason]");
    for (var i = 0; i < shown.length; i += 1) {
      shown[i].hidden = shown[i].getAttribute("data-offline-reason") !== reason;
    }
  }

  function isSignOut(form) {
    var paths = (texts.signOut || "").split(" ");
    try {
      return paths.indexOf(new URL(form.getAttribute("action") || "", location.href).pathname) !== -1;
    } catch (e) {
      return false;
    }
  }

  function forgetSavedPages() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "forget"});
    }
  }

  /* Capture phase on window: this runs before any other submit handler (the buttons'
     "sending" state), so a form stopped here does not look as if it were being sent. */
  function guardForms() {
    window.addEventListener("submit", function (event) {
      var form = event.target;
      /* getAttribute: a field named "method" or "action" hides the form's own properties */
      if (!(form instanceof HTMLFormElement) ||
          (form.getAttribute("method") || "get").toLowerCase() !== "post") {
        return;
      }
      if (isSignOut(form)) {
        forgetSavedPages();
      }
      if (navigator.onLine !== false) {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      var box = announce(texts.notSent || "", "error", "alert");
      box.setAttribute("tabindex", "-1");
      box.focus();
    }, true);
  }

  function setUpBackButtons() {
    var buttons = document.querySelectorAll("[data-offline-back]");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () {
        history.back();
      });
    }
  }

  register();
  guardForms();
  showSavedCopy();
  setUpBackButtons();
}());
