/* Comunidad OSC — order a survey's questions by dragging (progressive enhancement).
 *
 * templates/surveys/builder_edit.html lists the questions of each section in an
 * <ol data-reorder> inside <div id="structure" data-reorder-url data-csrf data-label-*>.
 * Without this file (or without fetch) the "Subir" / "Bajar" buttons, plain POST forms,
 * change the order. With it, each question gets a "Arrastrar para mover" handle:
 *
 *   - mouse: drag the question by its handle within its section's list;
 *   - keyboard: focus the handle, Enter or Space picks the question up, the up and down
 *     arrows move it, Enter or Space drops it, Escape puts it back where it was.
 *
 * Every move is announced in a live region. On drop the whole order (every question id of
 * the page, in reading order) is posted to data-reorder-url with the CSRF token; when the
 * server refuses, the list goes back to its previous order and the failure is announced.
 */
(function () {
  "use strict";

  var root = document.getElementById("structure");
  if (!root || !root.getAttribute("data-reorder-url") || !window.fetch || !window.FormData) {
    return;
  }
  var url = root.getAttribute("data-reorder-url");
  var csrf = root.getAttribute("data-csrf") || "";

  function label(name) {
    return root.getAttribute("data-label-" + name) || "";
  }

  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  root.parentNode.insertBefore(live, root);

  function say(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 60);
  }

  function items(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.hasAttribute("data-question-id");
    });
  }

  function allIds() {
    return Array.prototype.map.call(root.querySelectorAll("[data-reorder] > [data-question-id]"),
      function (item) { return item.getAttribute("data-question-id"); });
  }

  function snapshot() {
    return Array.prototype.map.call(root.querySelectorAll("[data-reorder]"), function (list) {
      return { list: list, order: items(list) };
    });
  }

  function restore(saved) {
    saved.forEach(function (entry) {
      entry.order.forEach(function (item) { entry.list.appendChild(item); });
    });
    renumber();
  }

  /* Keep each list's numbering (<ol start>) continuous across the sections. */
  function renumber() {
    var next = 1;
    Array.prototype.forEach.call(root.querySelectorAll("ol.question-list"), function (list) {
      list.setAttribute("start", String(next));
      next += items(list).length;
    });
  }

  function announcePosition(item) {
    var list = item.parentNode;
    var siblings = items(list);
    say(label("moved").replace("{position}", String(siblings.indexOf(item) + 1))
      .replace("{total}", String(siblings.length)));
  }

  function save(previous) {
    var data = new window.FormData();
    data.append("csrf_token", csrf);
    allIds().forEach(function (id) { data.append("order", id); });
    window.fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("refused");
      }
      say(label("saved"));
    }).catch(function () {
      restore(previous);
      say(label("failed"));
    });
  }

  function sameOrder(a, b) {
    return a.length === b.length && a.every(function (id, i) { return id === b[i]; });
  }

  /* --- keyboard: pick up, move with the arrows, drop --------------------------------- */

  var picked = null;  // { item, handle, before: snapshot(), ids: [...] }

  /* The question being moved is outlined (through the CSSOM, which the CSP allows). */
  function mark(item, moving) {
    item.classList.toggle("is-moving", moving);
    item.style.outline = moving ? "3px dashed currentColor" : "";
    item.style.outlineOffset = moving ? "4px" : "";
  }

  function pickUp(item, handle) {
    picked = { item: item, handle: handle, before: snapshot(), ids: allIds() };
    handle.setAttribute("aria-pressed", "true");
    mark(item, true);
    say(label("picked"));
  }

  function drop(cancel) {
    if (!picked) {
      return;
    }
    var state = picked;
    picked = null;
    state.handle.setAttribute("aria-pressed", "false");
    mark(state.item, false);
    if (cancel) {
      restore(state.before);
      state.handle.focus();
      say(label("cancelled"));
    } else if (!sameOrder(state.ids, allIds())) {
      save(state.before);
    }
  }

  function step(direction) {
    var item = picked.item;
    var list = item.parentNode;
    var siblings = items(list);
    var index = siblings.indexOf(item);
    var target = siblings[index + direction];
    if (!target) {
      return;
    }
    list.insertBefore(item, direction < 0 ? target : target.nextSibling);
    renumber();
    picked.handle.focus();
    announcePosition(item);
  }

  function onHandleKey(event) {
    var handle = event.currentTarget;
    if (!picked || picked.handle !== handle) {
      return;
    }
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      step(event.key === "ArrowUp" ? -1 : 1);
    } else if (event.key === "Escape") {
      event.preventDefault();
      drop(true);
    }
  }

  function onHandleClick(event) {
    var handle = event.currentTarget;
    if (picked && picked.handle === handle) {
      drop(false);
    } else {
      drop(false);
      pickUp(handle.closest("[data-question-id]"), handle);
    }
  }

  /* --- mouse: HTML drag and drop, started from the handle ----------------------------- */

  var dragged = null;  // { item, before: snapshot(), ids: [...] }

  function onDragStart(event) {
    var item = event.currentTarget;
    dragged = { item: item, before: snapshot(), ids: allIds() };
    mark(item, true);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-question-id"));
  }

  function onDragOver(event) {
    if (!dragged) {
      return;
    }
    var target = event.target.closest && event.target.closest("[data-question-id]");
    if (!target || target === dragged.item || target.parentNode !== dragged.item.parentNode) {
      return;
    }
    event.preventDefault();
    var box = target.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    target.parentNode.insertBefore(dragged.item, after ? target.nextSibling : target);
    renumber();
  }

  function onDragEnd(event) {
    var item = event.currentTarget;
    mark(item, false);
    item.removeAttribute("draggable");
    if (!dragged) {
      return;
    }
    var state = dragged;
    dragged = null;
    if (!sameOrder(state.ids, allIds())) {
      announcePosition(item);
      save(state.before);
    }
  }

  function enhance(item) {
    var handle = document.createElement("button");
    handle.type = "button";
    handle.className = "button button--secondary button--small drag-handle";
    handle.setAttribute("aria-pressed", "false");
    var heading = item.querySelector("strong");
    handle.textContent = label("grab");
    if (heading) {
      var which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = ": " + heading.textContent;
      handle.appendChild(which);
    }
    handle.addEventListener("click", onHandleClick);
    handle.addEventListener("keydown", onHandleKey);
    // Only a drag that starts on the handle moves the question: text stays selectable.
    handle.addEventListener("mousedown", function () { item.setAttribute("draggable", "true"); });
    handle.addEventListener("mouseup", function () { item.removeAttribute("draggable"); });
    item.addEventListener("dragstart", onDragStart);
    item.addEventListener("dragend", onDragEnd);
    item.insertBefore(handle, item.firstChild);
  }

  Array.prototype.forEach.call(root.querySelectorAll("[data-reorder]"), function (list) {
    items(list).forEach(enhance);
    list.addEventListener("dragover", onDragOver);
    list.addEventListener("drop", function (event) {
      if (dragged) {
        event.preventDefault();
      }
    });
  });

  var hint = document.getElementById("order-hint");
  if (hint && hint.getAttribute("data-enhanced")) {
    hint.textContent = hint.getAttribute("data-enhanced");
  }
})();
