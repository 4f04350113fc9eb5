/* Comunidad OSC — live updates over Socket.IO (progressive enhancement; every page works
 * without this file, and the notification badge is rendered by the server).
 *
 * Loaded (deferred) only for signed-in people. The vendored Socket.IO client (about 47 KB,
 * static/vendor/socket.io), whose URL the script tag names in data-socket-io, is fetched only
 * after the page's load event, when the browser is idle: nothing the page shows waits for it,
 * and its hashed URL is cached for a year, so later pages take it from the cache.
 *
 * - Topic pages (an element with data-topic-id): join the topic; on "post_created" or
 *   "post_changed" fetch /foros/p/<post>/fragmento with this session and insert or replace
 *   <article id="p<number>"> in #posts.
 * - Conversation pages (data-conversation-id): the same with "message_created" and
 *   /mensajes/m/<message>/fragmento into #messages.
 * - Everywhere: "notification" raises the badge (#notification-count) and "signed_out"
 *   (or the server closing the socket) reloads the page, which then shows the signed-out site.
 *
 * Events carry ids only: what appears is what the page would show this person, checked again
 * by the server on the fragment request. Rooms are joined again after every reconnection.
 * No inline script: the CSP allows scripts from 'self' only.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var clientUrl = script && script.getAttribute("data-socket-io");
  if (!clientUrl || !window.fetch || !window.DOMParser) {
    return;
  }

  var socket = null;
  var status = null;

  function liveRegion() {
    if (status) {
      return status;
    }
    status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    document.body.appendChild(status);
    return status;
  }

  function announce(text) {
    if (!text) {
      return;
    }
    var region = liveRegion();
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function fragment(url) {
    return window.fetch(url, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "live.js" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("fragment " + response.status);
      }
      return response.text();
    }).then(function (html) {
      var doc = new window.DOMParser().parseFromString(html, "text/html");
      return doc.body.firstElementChild;
    });
  }

  /* Put a fetched element into the list: replace the element with the same id, or append. */
  function place(container, element, announcement) {
    if (!element || !element.id) {
      return;
    }
    var existing = document.getElementById(element.id);
    var adopted = document.importNode(element, true);
    if (existing) {
      existing.parentNode.replaceChild(adopted, existing);
    } else if (container.getAttribute("data-last-page") !== "false") {
      /* A new post belongs at the end: only the last page of a topic shows it. */
      container.appendChild(adopted);
      announce(announcement);
    }
  }

  function follow(kind, id, container, events, urlFor) {
    var message = container.getAttribute("data-live-message") || "";
    function join() {
      var payload = {};
      payload[kind] = Number(id);
      socket.emit("join_" + kind, payload);
    }
    socket.on("connect", join);
    events.forEach(function (name) {
      socket.on(name, function (data) {
        if (!data || String(data[kind]) !== String(id)) {
          return;
        }
        fragment(urlFor(data)).then(function (element) {
          place(container, element, name.indexOf("created") >= 0 ? message : "");
        }).catch(function () { /* the page still shows it on the next load */ });
      });
    });
  }

  function setUpTopic() {
    var holder = document.querySelector("[data-topic-id]");
    var posts = document.getElementById("posts");
    if (!holder || !posts) {
      return;
    }
    follow("topic", holder.getAttribute("data-topic-id"), posts,
      ["post_created", "post_changed"],
      function (data) { return "/foros/p/" + encodeURIComponent(data.post) + "/fragmento"; });
  }

  function setUpConversation() {
    var holder = document.querySelector("[data-conversation-id]");
    var messages = document.getElementById("messages");
    if (!holder || !messages) {
      return;
    }
    follow("conversation", holder.getAttribute("data-conversation-id"), messages,
      ["message_created"],
      function (data) {
        return "/mensajes/m/" + encodeURIComponent(data.message) + "/fragmento";
      });
  }

  /* A counter in a header link (notices, messages): the server renders it when there is
     something unread; a live event creates it or raises it by one. */
  function badge(id, linkSelector) {
    var existing = document.getElementById(id);
    if (existing) {
      return existing;
    }
    var link = document.querySelector(linkSelector);
    if (!link) {
      return null;
    }
    var created = document.createElement("span");
    created.id = id;
    created.className = "badge badge--warn";
    created.setAttribute("data-count", "0");
    link.appendChild(document.createTextNode(" "));
    link.appendChild(created);
    return created;
  }

  function raise(element) {
    if (!element) {
      return;
    }
    var count = (parseInt(element.getAttribute("data-count"), 10) || 0) + 1;
    var link = element.closest("a");
    var unreadText = (link && link.getAttribute("data-unread-text")) || "";
    element.setAttribute("data-count", String(count));
    element.textContent = String(count);
    if (unreadText) {
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + unreadText;
      element.appendChild(hidden);
    }
  }

  function setUpBadge() {
    socket.on("notification", function (data) {
      raise(badge("notification-count", "a[data-notifications-link]"));
      if (data && data.kind === "message.new") {
        raise(badge("message-count", "a[data-messages-link]"));
      }
      announce(data && data.message);
    });
  }

  function setUpSignOut() {
    /* A page that is already leaving (this tab pressed "Salir") must not reload: the reload
       would cancel the sign-out response before the browser stores its cookie. */
    var leaving = false;
    window.addEventListener("beforeunload", function () {
      leaving = true;
    });
    function reloadSoon() {
      window.setTimeout(function () {
        if (!leaving) {
          window.location.reload();
        }
      }, 500);
    }
    socket.on("signed_out", reloadSoon);
    socket.on("disconnect", function (reason) {
      /* The server closes a socket only when its session ended (signed out elsewhere);
         any other reason (network, restart) reconnects by itself. */
      if (reason === "io server disconnect") {
        reloadSoon();
      }
    });
  }

  function start() {
    if (socket || typeof window.io !== "function") {
      return;
    }
    socket = window.io({ transports: ["websocket", "polling"] });
    setUpTopic();
    setUpConversation();
    setUpBadge();
    setUpSignOut();
  }

  /* A script element from 'self' (the CSP allows it); a failed load leaves the page as the
     server rendered it. */
  function loadClient() {
    if (typeof window.io === "function") {
      start();
      return;
    }
    var client = document.createElement("script");
    client.src = clientUrl;
    client.async = true;
    client.addEventListener("load", start);
    document.head.appendChild(client);
  }

  function whenIdle() {
    if (typeof window.requestIdleCallback === "function") {
      window.requestIdleCallback(loadClient, { timeout: 2000 });
    } else {
      window.setTimeout(loadClient, 0);
    }
  }

  if (document.readyState === "complete") {
    whenIdle();
  } else {
    window.addEventListener("load", whenIdle);
  }
}());
