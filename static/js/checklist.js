/* Comunidad OSC — filter box for long checkbox lists (progressive enhancement).
 *
 * A multi-choice field rendered with filterable=True (templates/_forms.html, field macro)
 * is a <fieldset data-checklist-filter="label"> of checkboxes, possibly grouped in inner
 * <fieldset data-checklist-group>s. Without this file every checkbox is shown. With it, a
 * search box above the list hides the entries whose label does not contain what is typed
 * (accents and case ignored) and the groups left empty; hidden entries keep their state,
 * so filtering never loses a selection.
 */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function setUp(list, index) {
    var id = (list.id || "checklist-" + index) + "-filter";
    var wrapper = document.createElement("div");
    wrapper.className = "checklist-filter";
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = list.getAttribute("data-checklist-filter");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    input.spellcheck = false;
    var none = document.createElement("p");
    none.className = "field-hint";
    none.setAttribute("role", "status");
    none.hidden = true;
    none.textContent = list.getAttribute("data-checklist-none") || "";
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(none);

    var first = list.querySelector("[data-checklist-group], .choices");
    list.insertBefore(wrapper, first);

    var choices = Array.prototype.slice.call(list.querySelectorAll("[data-checklist-choice]"));
    var names = choices.map(function (choice) {
      var text = choice.querySelector("label");
      return fold(text ? text.textContent : "");
    });
    var groups = Array.prototype.slice.call(list.querySelectorAll("[data-checklist-group]"));

    input.addEventListener("input", function () {
      var query = fold(input.value);
      var shown = 0;
      choices.forEach(function (choice, i) {
        var match = !query || names[i].indexOf(query) !== -1;
        choice.hidden = !match;
        shown += match ? 1 : 0;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-checklist-choice]:not([hidden])");
      });
      none.hidden = shown > 0;
    });
    /* Enter in the box must not submit the whole form. */
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-checklist-filter]"), setUp);
})();
