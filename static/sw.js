/* Comunidad OSC service worker: the pages a person opened, readable without a connection.
 *
 * Served by community/core/pwa.py at /sw.js, which puts self.OFFLINE_SETTINGS in front of
 * this file (the offline page, the shell files with their digests, the sign-out URLs, the
 * limits). Written small on purpose: no framework, nothing from a CDN.
 *
 * - Pages, and the images and files they use: the network first; when it fails, has not
 *   answered after SETTINGS.timeoutMs, or a proxy answers that it could not reach the server
 *   (502, 503, 504), the copy saved at the last visit, with a meta tag that
 *   static/js/pwa.js turns into "Sin conexión: datos de <fecha>". A page never opened gets the
 *   offline page.
 * - What is kept: only answers the server marked X-Offline-Copy ("page" unless its
 *   Cache-Control says private or no-store; "personal" always: the ticket's QR, one's
 *   registrations). Never a POST, never a redirect, never a partial answer.
 * - Whose: copies live in "osc-pages-<account tag>". A page of another account (or of nobody,
 *   after a sign-out or an expired session) drops every other account's copies at once, and
 *   the page's script asks the worker to forget everything when the person signs out.
 * - Forms: a POST goes to the network as always; when there is no network the person gets
 *   the offline page saying the form was NOT sent. Nothing is queued to be sent later.
 * - Static files carry their digest in the URL, so the saved copy is always right: cache first.
 */
"use strict";

var SETTINGS = self.OFFLINE_SETTINGS;
var STATIC_CACHE = "osc-static-" + SETTINGS.version;
var PAGES_PREFIX = "osc-pages-";
var SAVED_HEADER = "X-Offline-Saved";
var GATEWAY_ERRORS = [502, 503, 504];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) {
        return Promise.all([cache.addAll(SETTINGS.shell), saveOfflinePage(cache)]);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("osc-static-") === 0 && name !== STATIC_CACHE;
        }).map(function (name) {
          return caches.delete(name);
        }));
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "forget") {
    event.waitUntil(forgetAccounts(null));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    if (request.mode === "navigate" && SETTINGS.signOut.indexOf(url.pathname) === -1) {
      event.respondWith(fetch(request).catch(function () {
        return offlinePage("form");
      }));
    }
    return;  // a sign-out goes straight to the network: its Clear-Site-Data must apply
  }
  if (request.headers.has("Range")) {
    return;
  }
  if (url.pathname.indexOf(SETTINGS.staticPrefix) === 0) {
    event.respondWith(fromStatic(request));
  } else if (request.mode === "navigate" || request.destination === "image") {
    event.respondWith(networkFirst(event));
  }
});

// --- answers ------------------------------------------------------------------------

function networkFirst(event) {
  var request = event.request;
  var network = fetch(request);
  event.waitUntil(network.then(function (response) {
    return remember(request, response.clone());
  }).catch(function () {}));
  function fromCopy(otherwise) {
    return savedCopy(request).then(function (copy) {
      if (copy) {
        return request.mode === "navigate" ? withMark(copy, "page") : copy;
      }
      return otherwise();
    });
  }
  return beforeTimeout(network).then(function (response) {
    // A proxy that could not reach the server (502, 503, 504): the copy is better than that.
    return GATEWAY_ERRORS.indexOf(response.status) === -1 ? response : fromCopy(function () {
      return response;
    });
  }, function () {
    return fromCopy(function () {
      return network.catch(function () {
        return request.mode === "navigate" ? offlinePage("missing") : Response.error();
      });
    });
  });
}

function beforeTimeout(promise) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(reject, SETTINGS.timeoutMs);
    promise.then(function (value) {
      clearTimeout(timer);
      resolve(value);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function fromStatic(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok && new URL(request.url).searchParams.has("v")) {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

function offlinePage(reason) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(SETTINGS.offlinePage);
  }).then(function (page) {
    if (page) {
      return withMark(page, reason);
    }
    return new Response("Sin conexión / No connection", {
      status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}
    });
  });
}

/* The page as saved, with <meta name="offline-copy"> naming why it is shown (a saved
   "page", a page "missing" from the copies, a "form" not sent) and when it was saved. */
function withMark(response, reason) {
  if ((response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) {
    return response;
  }
  var saved = response.headers.get(SAVED_HEADER) || "";
  return response.text().then(function (html) {
    var meta = '<meta name="offline-copy" content="' + reason + '" data-saved="' +
      saved.replace(/[^0-9A-Za-z:.\-]/g, "") + '">';
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    return new Response(html.replace(/<head>/i, "<head>" + meta), {
      status: 200, headers: headers
    });
  });
}

// --- copies -------------------------------------------------------------------------

function savedCopy(request) {
  return caches.keys().then(function (names) {
    var pages = names.filter(function (name) {
      return name.indexOf(PAGES_PREFIX) === 0;
    });
    return pages.reduce(function (found, name) {
      return found.then(function (hit) {
        return hit || caches.open(name).then(function (cache) {
          return cache.match(request.url, {ignoreVary: true});
        });
      });
    }, Promise.resolve(undefined));
  });
}

function remember(request, response) {
  var account = response.headers.get("X-Offline-Account");
  var forgetting = request.mode === "navigate" && account ?
    forgetAccounts(account) : Promise.resolve();
  return forgetting.then(function () {
    return Promise.all([
      request.mode === "navigate" ? refreshOfflinePage(response) : undefined,
      account && keepable(response) ? keep(PAGES_PREFIX + account, request, response) : undefined
    ]);
  });
}

function keep(name, request, response) {
  return caches.open(name).then(function (cache) {
    // put replaces the old copy and moves it to the end of the list: the oldest go first
    return cache.put(request.url.split("#")[0], stamped(response)).then(function () {
      return trim(cache);
    });
  });
}

function keepable(response) {
  var kind = response.headers.get("X-Offline-Copy");
  if (response.status !== 200 || response.type !== "basic" || response.redirected || !kind) {
    return false;
  }
  if (Number(response.headers.get("Content-Length") || 0) > SETTINGS.maxFileBytes) {
    return false;
  }
  if (kind === "personal") {
    return true;
  }
  var control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return kind === "page" && !/\b(private|no-store)\b/.test(control);
}

function stamped(response) {
  var headers = new Headers(response.headers);
  headers.set(SAVED_HEADER, new Date().toISOString());
  headers.delete("Content-Encoding");  // the body here is already decoded
  headers.delete("Content-Length");
  return new Response(response.body, {
    status: response.status, statusText: response.statusText, headers: headers
  });
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    var extra = keys.length - SETTINGS.maxPages;
    return Promise.all(keys.slice(0, Math.max(extra, 0)).map(function (key) {
      return cache.delete(key);
    }));
  });
}

/* Drop the copies of every account but `keep` (all of them when keep is null). */
function forgetAccounts(keep) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PAGES_PREFIX) === 0 && name !== PAGES_PREFIX + keep;
    }).map(function (name) {
      return caches.delete(name);
    }));
  });
}

// --- the offline page -----------------------------------------------------------------

function saveOfflinePage(cache) {
  return fetch(SETTINGS.offlinePage, {credentials: "same-origin", cache: "no-cache"})
    .then(function (response) {
      return response.ok ? cache.put(SETTINGS.offlinePage, response) : undefined;
    });
}

/* The offline page speaks the language of the pages the person reads: saved again when a
   page comes in another language (the language form, or another person's choice). */
function refreshOfflinePage(response) {
  var language = response.headers.get("Content-Language");
  if (!language || response.status !== 200) {
    return undefined;
  }
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(SETTINGS.offlinePage).then(function (page) {
      if (!page || page.headers.get("Content-Language") !== language) {
        return saveOfflinePage(cache);
      }
      return undefined;
    });
  }).catch(function () {});
}
