/* Comunidad OSC — progressive enhancement only. Every page works without this file.
 *
 * 1. Menu toggle on phones: the "Menú" link (works without JS through :target) becomes
 *    a <button aria-expanded aria-controls> that shows and hides the navigation.
 * 2. Error summary: receives focus when the page loads, and its links move focus to
 *    the field they name (and scroll its label into view).
 *
 * The language selector is NOT submitted on change: changing a setting must not change
 * the page by itself (WCAG 3.2.2), and keyboard users move through the options with the
 * arrow keys. Its "Cambiar idioma" button stays.
 */
(function () {
  "use strict";

  function setUpMenu() {
    var link = document.querySelector("a.menu-toggle");
    if (!link) {
      return;
    }
    var navId = link.getAttribute("aria-controls");
    var nav = navId && document.getElementById(navId);
    if (!nav) {
      return;
    }

    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.setAttribute("aria-controls", navId);
    while (link.firstChild) {
      button.appendChild(link.firstChild);
    }
    link.parentNode.replaceChild(button, link);

    function setOpen(open) {
      nav.setAttribute("data-menu", open ? "open" : "closed");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }

    var openAtStart = false;
    try {
      openAtStart = nav.matches(":target");
    } catch (e) {
      openAtStart = false;
    }
    setOpen(openAtStart);

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") {
        return;
      }
      var toggleShown = button.offsetParent !== null;
      if (toggleShown && (nav.contains(document.activeElement) || document.activeElement === button)) {
        setOpen(false);
        button.focus();
      }
    });
  }

  function setUpErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) {
      return;
    }
    var active = document.activeElement;
    if (!active || active === document.body) {
      summary.focus();
    }

    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!link) {
        return;
      }
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) {
        return;
      }
      event.preventDefault();
      var fieldset = target.closest ? target.closest("fieldset") : null;
      var label = fieldset
        ? fieldset.querySelector("legend")
        : document.querySelector("label[for='" + target.id.replace(/'/g, "\\'") + "']");
      (label || target).scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  function init() {
    setUpMenu();
    setUpErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
