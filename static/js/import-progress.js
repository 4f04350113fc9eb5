/*
 * The padrón import's progress page (profiles/padron_progress.html), enhanced: while the
 * import runs, read the same page every few seconds and put its progress bar and status
 * text in place, without reloading (nothing moves focus or the reader's place); when the
 * import ends, put the finished page's content in place once. Without JavaScript the page
 * offers "Actualizar ahora".
 */
(function () {
  "use strict";
  var region = document.querySelector("[data-import-progress]");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(region.getAttribute("data-import-progress"), 10) || 2;
  var manual = document.getElementById("actualizar-a-mano");
  if (manual) { manual.hidden = true; }

  function copy(from, id, attributes) {
    var source = from.getElementById(id), target = document.getElementById(id);
    if (!source || !target) { return; }
    attributes.forEach(function (name) {
      if (source.hasAttribute(name)) { target.setAttribute(name, source.getAttribute(name)); }
    });
    target.textContent = source.textContent;
  }

  function poll() {
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-import-progress]");
        if (fresh) {
          copy(page, "avance", ["max", "value"]);
          copy(page, "avance-texto", []);
          window.setTimeout(poll, seconds * 1000);
          return;
        }
        var main = page.getElementById("contenido");
        if (main) { document.getElementById("contenido").innerHTML = main.innerHTML; }
      })
      .catch(function () { window.setTimeout(poll, seconds * 4000); });
  }
  window.setTimeout(poll, seconds * 1000);
}());
