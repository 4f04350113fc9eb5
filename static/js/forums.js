/* Comunidad OSC — forum composer enhancements (progressive: every page works without this).
 *
 * - "Vista previa" buttons ([data-preview-button]) ask forums.preview for the sanitized HTML
 *   of the text and show it in place, instead of submitting the whole form.
 * - @mentions: typing "@" and two letters in a composer textarea ([data-composer]) offers
 *   people and OSCs from forums.mentions in a listbox (arrows, Enter or Tab, Escape).
 * - Quote buttons (a[data-quote]) fill the reply form's quote without a reload.
 * - Forms with data-confirm ask before they are sent (withdrawing a post).
 *
 * The HTML put into the page comes from the server, already sanitized by the one allow-list,
 * or is a copy of what the page already shows. No inline script (CSP script-src 'self').
 */
(function () {
  "use strict";

  if (!window.fetch || !document.querySelector) {
    return;
  }

  function csrfToken(form) {
    var field = form && form.querySelector("input[name='csrf_token']");
    return field ? field.value : "";
  }

  /* ---------- Preview ---------- */

  function showPreview(composer, html, isError) {
    var box = composer.querySelector(".composer__preview");
    var body = composer.querySelector(".composer__preview-body");
    if (!box || !body) {
      return;
    }
    if (isError) {
      body.textContent = html;
    } else {
      body.innerHTML = html; /* sanitized by the server (core.sanitize) */
    }
    box.hidden = false;
  }

  function preview(button) {
    var form = button.form;
    var composer = form && form.querySelector(".composer");
    var textarea = composer && composer.querySelector("textarea");
    if (!composer || !textarea) {
      return false;
    }
    var data = new window.FormData();
    data.append("csrf_token", csrfToken(form));
    data.append("body", textarea.value);
    window.fetch(composer.getAttribute("data-preview-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (json) {
        return { ok: response.ok, json: json };
      });
    }).then(function (result) {
      if (result.ok) {
        showPreview(composer, result.json.html || "", false);
      } else {
        showPreview(composer, result.json.error || result.json.message || "", true);
      }
    }).catch(function () {
      form.requestSubmit ? form.requestSubmit(button) : form.submit();
    });
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-preview-button]");
    if (button && preview(button)) {
      event.preventDefault();
    }
  });

  /* ---------- Quote ---------- */

  function quote(link) {
    var form = document.querySelector("[data-reply-form]");
    var field = form && form.querySelector("input[name='quote']");
    var box = form && form.querySelector("[data-quoting]");
    var article = document.getElementById("p" + link.getAttribute("data-quote-number"));
    if (!field || !box || !article) {
      return false;
    }
    field.value = link.getAttribute("data-quote");
    var label = box.querySelector("[data-quoting-text]");
    if (label) {
      label.textContent = link.getAttribute("data-quote-label") || "";
    }
    var old = box.querySelector(".forum-quote");
    if (old) {
      old.parentNode.removeChild(old);
    }
    var source = article.querySelector(".forum-post__body");
    if (source) {
      var block = document.createElement("blockquote");
      block.className = "forum-quote";
      var body = source.cloneNode(true);
      body.className = "forum-quote__body";
      block.appendChild(body);
      box.appendChild(block);
    }
    box.hidden = false;
    var textarea = form.querySelector("textarea");
    if (textarea) {
      textarea.focus();
    }
    return true;
  }

  function cancelQuote(link) {
    var form = link.closest("[data-reply-form]");
    var field = form && form.querySelector("input[name='quote']");
    var box = form && form.querySelector("[data-quoting]");
    if (!field || !box) {
      return false;
    }
    field.value = "";
    box.hidden = true;
    var textarea = form.querySelector("textarea");
    if (textarea) {
      textarea.focus();
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) {
      return;
    }
    var link = event.target.closest("a[data-quote]");
    if (link && quote(link)) {
      event.preventDefault();
      return;
    }
    var cancel = event.target.closest("a[data-quote-cancel]");
    if (cancel && cancelQuote(cancel)) {
      event.preventDefault();
    }
  });

  /* ---------- Confirmations ---------- */

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  /* ---------- @mentions ---------- */

  var MENTION = /(^|[^\w@\/])@([^\s@]{2,40})$/;
  var counter = 0;

  function Mentions(textarea, url) {
    counter += 1;
    this.textarea = textarea;
    this.url = url;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.list = document.createElement("ul");
    this.list.className = "mention-list";
    this.list.id = "mention-list-" + counter;
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    textarea.parentNode.insertBefore(this.list, textarea.nextSibling);
    textarea.setAttribute("aria-autocomplete", "list");
    /* A textarea may not be a combobox (ARIA in HTML), so it is a textbox that names its
       list and the active option; the options say which one is selected. */
    textarea.setAttribute("aria-controls", this.list.id);
    textarea.addEventListener("input", this.onInput.bind(this));
    textarea.addEventListener("keydown", this.onKey.bind(this));
    textarea.addEventListener("blur", this.close.bind(this));
    this.list.addEventListener("mousedown", this.onPick.bind(this));
  }

  Mentions.prototype.query = function () {
    var before = this.textarea.value.slice(0, this.textarea.selectionStart);
    var match = MENTION.exec(before);
    return match ? match[2] : null;
  };

  Mentions.prototype.onInput = function () {
    var self = this;
    var q = this.query();
    window.clearTimeout(this.timer);
    if (!q) {
      this.close();
      return;
    }
    this.timer = window.setTimeout(function () {
      window.fetch(self.url + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (json) {
        if (self.query() === q) {
          self.show(json.results || []);
        }
      }).catch(function () { self.close(); });
    }, 200);
  };

  Mentions.prototype.show = function (items) {
    var list = this.list;
    this.items = items;
    this.active = items.length ? 0 : -1;
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("data-index", String(index));
      var name = document.createElement("span");
      name.textContent = item.name;
      var handle = document.createElement("span");
      handle.className = "mention-list__handle";
      handle.textContent = "@" + item.handle;
      option.appendChild(name);
      option.appendChild(handle);
      list.appendChild(option);
    });
    list.hidden = !items.length;
    this.highlight();
  };

  Mentions.prototype.highlight = function () {
    var self = this;
    Array.prototype.forEach.call(this.list.children, function (option, index) {
      option.setAttribute("aria-selected", index === self.active ? "true" : "false");
    });
    if (this.active >= 0) {
      this.textarea.setAttribute("aria-activedescendant", this.list.id + "-" + this.active);
    } else {
      this.textarea.removeAttribute("aria-activedescendant");
    }
  };

  Mentions.prototype.close = function () {
    this.items = [];
    this.active = -1;
    this.list.hidden = true;
    this.textarea.removeAttribute("aria-activedescendant");
  };

  Mentions.prototype.choose = function (index) {
    var item = this.items[index];
    var q = this.query();
    if (!item || q === null) {
      return;
    }
    var textarea = this.textarea;
    var caret = textarea.selectionStart;
    var start = caret - q.length;
    var insert = item.handle + " ";
    textarea.value = textarea.value.slice(0, start) + insert + textarea.value.slice(caret);
    textarea.selectionStart = textarea.selectionEnd = start + insert.length;
    this.close();
    textarea.focus();
  };

  Mentions.prototype.onKey = function (event) {
    if (this.list.hidden || !this.items.length) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.items.length) % this.items.length;
      this.highlight();
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === "Tab") {
      this.choose(this.active);
      event.preventDefault();
    } else if (event.key === "Escape") {
      this.close();
      event.preventDefault();
    }
  };

  Mentions.prototype.onPick = function (event) {
    var option = event.target.closest("[role='option']");
    if (option) {
      event.preventDefault(); /* keep the focus in the textarea */
      this.choose(Number(option.getAttribute("data-index")));
    }
  };

  Array.prototype.forEach.call(document.querySelectorAll(".composer"), function (composer) {
    var textarea = composer.querySelector("textarea[data-composer]");
    var url = composer.getAttribute("data-mentions-url");
    if (textarea && url) {
      new Mentions(textarea, url); // eslint-disable-line no-new
    }
  });
})();
