/* easeback's service worker: keeps the guided player, its pictures and the current routine's
   timeline in a cache, so a session that has started keeps running and can be reopened when the
   local server stops; and the pages a stop leads to (what to do after each reason) and the home
   page, so they open without the server too. Network first (the routine may have changed), the
   cache when it fails. Nothing else is touched: every other request goes to the server as usual,
   and posts (a stop, a check-in) are kept and sent again by the page (static/offline.js). */
"use strict";
var CACHE = "easeback-player-v1";  // player.js writes the routine into this cache too
var STOPPED = ["sharp_pain", "radiating_pain", "numbness", "dizziness", "other"].map(function (r) {
  return "/stopped/" + r;
});
var SHELL = ["/player", "/static/inline-svg.js", "/static/player.js", "/static/player.css", "/static/style.css",
  "/static/camera.js", "/static/coach-web.js", "/static/coach-web.css", "/static/icon.svg", "/static/nav.js", "/static/offline.js", "/",
  "/check-in", "/check-in?session=1", "/stop"].concat(STOPPED);  // posts made offline wait in offline.js

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
  var one = url.pathname === "/player" || url.pathname === "/stop" || STOPPED.indexOf(url.pathname) >= 0;
  var key = one ? url.pathname : url.pathname + url.search;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    if (response.status >= 500) {  // the server is up but cannot answer (503): as if it were away
      return caches.match(key).then(function (hit) { return hit || response; });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
