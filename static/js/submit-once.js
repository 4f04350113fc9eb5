/* Comunidad OSC — a form is sent once per tap (progressive: without this file the form's
 * one-time submission key still makes a second send act only once; core/submissions.py).
 *
 * When a POST form that carries a key (input[name=submission_key]) is sent, its button says
 * so ("Enviando…", aria-busy="true", aria-disabled="true") and further sends of that form
 * are ignored: a double tap on a slow phone sends one request. The button is not disabled,
 * because a disabled button's name and value would be dropped from the form (forms with two
 * buttons, such as "Vista previa" and "Publicar", tell them apart that way).
 *
 * After RETRY_MS without a new page (the connection dropped) the button comes back, so the
 * person can send again: the same key goes with it, and the server answers a key it has
 * already seen with the first result instead of acting twice. A page restored from the
 * back/forward cache gets its buttons back too.
 *
 * Other scripts may cancel a send (a confirmation, a preview shown in place): a send already
 * cancelled is left alone, and one cancelled by a later listener gives the button back right
 * after every listener has run.
 */
(function () {
  "use strict";

  var RETRY_MS = 15000;

  function keyOf(form) {
    return form.querySelector("input[name='submission_key']");
  }

  function buttonOf(form, event) {
    var button = event.submitter;
    if (!button || button.form !== form) {
      button = form.querySelector("button[type='submit'], button:not([type]), input[type='submit']");
    }
    return button;
  }

  /* A button's own markup (it may hold a visually hidden part) comes back as it was. */
  function saveLabel(button) {
    button.setAttribute("data-sending-label",
      button.tagName === "INPUT" ? button.value : button.innerHTML);
  }

  function restoreLabel(button) {
    var label = button.getAttribute("data-sending-label");
    if (button.tagName === "INPUT") {
      button.value = label;
    } else {
      button.innerHTML = label;  /* the page's own markup, saved above */
    }
    button.removeAttribute("data-sending-label");
  }

  function release(form) {
    window.clearTimeout(form.submitOnceTimer);
    form.removeAttribute("data-sending");
    Array.prototype.forEach.call(form.querySelectorAll("[data-sending-label]"), function (button) {
      restoreLabel(button);
      button.removeAttribute("aria-busy");
      button.removeAttribute("aria-disabled");
    });
  }

  function markSending(form, button, key) {
    form.setAttribute("data-sending", "1");
    if (button) {
      saveLabel(button);
      var sending = key.getAttribute("data-sending") || "…";
      if (button.tagName === "INPUT") {
        button.value = sending;
      } else {
        button.textContent = sending;
      }
      button.setAttribute("aria-busy", "true");
      button.setAttribute("aria-disabled", "true");
    }
    form.submitOnceTimer = window.setTimeout(function () { release(form); }, RETRY_MS);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var key = form && form.tagName === "FORM" && keyOf(form);
    if (!key || (form.getAttribute("method") || "get").toLowerCase() !== "post") {
      return;
    }
    if (event.defaultPrevented) {
      return;
    }
    if (form.hasAttribute("data-sending")) {
      event.preventDefault();  // already on its way
      return;
    }
    markSending(form, buttonOf(form, event), key);
    window.setTimeout(function () {
      if (event.defaultPrevented) {
        release(form);  // a listener after this one kept the form from being sent
      }
    }, 0);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), release);
    }
  });
}());
