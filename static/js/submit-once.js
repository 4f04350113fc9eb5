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
 * Other scripts may cancel a send (a confirmation, a preview shown in place): the form is
 * marked only after every listener has run and only if the send went ahead.
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

  function setLabel(button, text) {
    if (button.tagName === "INPUT") {
      button.value = text;
    } else {
      button.textContent = text;
    }
  }

  function release(form) {
    form.removeAttribute("data-sending");
    Array.prototype.forEach.call(form.querySelectorAll("[data-sending-label]"), function (button) {
      setLabel(button, button.getAttribute("data-sending-label"));
      button.removeAttribute("data-sending-label");
      button.removeAttribute("aria-busy");
      button.removeAttribute("aria-disabled");
    });
  }

  function markSending(form, button, key) {
    form.setAttribute("data-sending", "1");
    if (button) {
      button.setAttribute("data-sending-label",
        button.tagName === "INPUT" ? button.value : button.textContent);
      setLabel(button, key.getAttribute("data-sending") || "…");
      button.setAttribute("aria-busy", "true");
      button.setAttribute("aria-disabled", "true");
    }
    window.setTimeout(function () { release(form); }, RETRY_MS);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var key = form && form.tagName === "FORM" && keyOf(form);
    if (!key || (form.getAttribute("method") || "get").toLowerCase() !== "post") {
      return;
    }
    if (form.hasAttribute("data-sending")) {
      event.preventDefault();  // already on its way
      return;
    }
    var button = buttonOf(form, event);
    window.setTimeout(function () {
      if (!event.defaultPrevented && !form.hasAttribute("data-sending")) {
        markSending(form, button, key);
      }
    }, 0);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), release);
    }
  });
}());
