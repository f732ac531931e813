/* easeback's service worker: keeps the guided player, its pictures and the current routine's
   timeline in a cache, so a session that has started keeps running and can be reopened when the
   local server stops. Network first (the routine may have changed), the cache when it fails.
   Nothing else is touched: every other request goes to the server as usual. */
"use strict";
var CACHE = "easeback-player-v1";  // player.js writes the routine into this cache too
var SHELL = ["/player", "/static/inline-svg.js", "/static/player.js", "/static/player.css", "/static/style.css",
  "/static/camera.js", "/static/icon.svg"];

function kept(url) {
  return url.origin === self.location.origin && (
    SHELL.indexOf(url.pathname) >= 0 ||
    url.pathname === "/player/timeline.json" ||
    /^\/pictures\/[a-z0-9-]+\.svg$/.test(url.pathname));
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (path) {
      return fetch(path, { credentials: "same-origin" }).then(function (r) {
        if (r.ok && !r.redirected) { return cache.put(path, r); }
        return undefined;
      }).catch(function () { return undefined; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) {
      return caches.delete(n);
    }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!kept(url)) { return; }
  // the player's ?speed=... shares one entry; a picture's ?pose= is a different picture
  var key = url.pathname === "/player" ? url.pathname : url.pathname + url.search;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
