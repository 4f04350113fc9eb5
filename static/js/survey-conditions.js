/* Comunidad OSC — display conditions of a survey (progressive enhancement).
 *
 * templates/surveys/answer_macros.html marks a question shown only after an earlier choice
 * with data-condition-question (the earlier question's id) and data-condition-option (the
 * option's code). Without this file every question shows, with a sentence saying when to
 * answer it, and the server ignores the answers of questions whose condition was not met.
 * With it, such a question is hidden until its choice is made; its controls are disabled
 * while hidden, so what it holds is not sent (and comes back if the person changes their
 * mind). A question whose earlier question is itself hidden stays hidden (chains work).
 */
(function () {
  "use strict";

  function chosen(form, questionId, option) {
    var holder = form.querySelector("#q" + questionId + "-field");
    if (holder && holder.hidden) {
      return false;
    }
    var inputs = form.querySelectorAll('input[name="q' + questionId + '"]');
    for (var i = 0; i < inputs.length; i += 1) {
      if (inputs[i].checked && inputs[i].value === option) {
        return true;
      }
    }
    return false;
  }

  function setShown(holder, shown) {
    if (holder.hidden === !shown) {
      return;
    }
    holder.hidden = !shown;
    var controls = holder.querySelectorAll("input, textarea, select");
    for (var i = 0; i < controls.length; i += 1) {
      controls[i].disabled = !shown;
    }
  }

  function update(form, conditional) {
    // In page order, so a question reads the state its earlier question was just given.
    conditional.forEach(function (holder) {
      setShown(holder, chosen(form, holder.getAttribute("data-condition-question"),
                              holder.getAttribute("data-condition-option")));
    });
  }

  function setUp(form) {
    var conditional = Array.prototype.slice.call(
      form.querySelectorAll("[data-condition-question]"));
    if (!conditional.length) {
      return;
    }
    update(form, conditional);
    form.addEventListener("change", function () {
      update(form, conditional);
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-survey-conditions]"),
                                 setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
