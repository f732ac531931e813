/* easeback's outbox: a stop, a finished session or a check-in that cannot reach the server is kept
   on this device (localStorage) and sent again until the server confirms it. Each carries a key
   made here, which the server saves with the write, so a resend (or a first send whose answer was
   lost) is never saved twice. The personal app and the practice share it.

   A form opts in with data-outbox="PATH": the server confirms by answering with a page under PATH
   (after its redirect). No answer, a network error or a 5xx (503 while the database is away)
   means "later"; a redirect to the sign-in page too. A stop form also shows, at once, the advice
   for the reason chosen from the page itself (#stop-advice, rendered from the content), so a stop
   always says what to do whatever the server answers. */
(function () {
  "use strict";
  var STORE = "easeback-outbox";
  var PENDING = "Saved on this phone; will be sent when the connection is back.";
  var WAIT_MS = 20000;  // a request with no answer by then is kept for later
  var ADVICE_MS = 3000;  // a stop shows its advice from the page if the server has not answered
  var REFUSED = "easeback-outbox-refused";  // keys the server refused for good (last few)
  var sending = {}, retry = null, delay = 2000, sentNow = [], shown = {};

  function load() {
    try {
      var items = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) { return []; }
  }

  function store(items) {
    try { window.localStorage.setItem(STORE, JSON.stringify(items)); return true; } catch (e) { return false; }
  }

  function keep(item) {
    var items = load().filter(function (i) { return i.key !== item.key; });
    items.push(item);
    return store(items);
  }

  function drop(key) { store(load().filter(function (i) { return i.key !== key; })); }

  function refuse(key) {
    drop(key);
    try {
      var keys = JSON.parse(window.localStorage.getItem(REFUSED) || "[]").slice(-19);
      keys.push(key);
      window.localStorage.setItem(REFUSED, JSON.stringify(keys));
    } catch (e) { /* nothing kept */ }
  }

  function refused(key) {
    try { return JSON.parse(window.localStorage.getItem(REFUSED) || "[]").indexOf(key) >= 0; } catch (e) { return false; }
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  // not randomUUID: a phone on the LAN is no secure context
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  /* ---- sending ---- */

  // resolves to {result: "sent" | "later" | "answered", response}. Always with the form token
  // of the page it was made on: sent under another sign-in (someone else on a shared phone) it
  // is refused, never saved as theirs.
  function send(item) {
    var fields = {};
    Object.keys(item.fields).forEach(function (k) { fields[k] = item.fields[k]; });
    fields.key = item.key;  // the server saves it with the write: a resend is never saved twice
    var body = new URLSearchParams(fields);
    var abort = "AbortController" in window ? new AbortController() : null;
    var timer = window.setTimeout(function () { if (abort) { abort.abort(); } }, WAIT_MS);
    return fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin", signal: abort ? abort.signal : undefined
    }).then(function (r) {
      window.clearTimeout(timer);
      var path = new URL(r.url, window.location.href).pathname;
      if (r.status >= 500 || path === "/sign-in") { return { result: "later", response: r }; }
      if (r.ok && path.indexOf(item.done) === 0) { return { result: "sent", response: r }; }
      return { result: "answered", response: r };
    }, function () {
      window.clearTimeout(timer);
      return { result: "later", response: null };
    });
  }

  function flush() {
    window.clearTimeout(retry);
    retry = null;
    var items = load().filter(function (i) { return !sending[i.key]; });
    if (!items.length) { showStatus(); return Promise.resolve(); }
    var chain = Promise.resolve(), later = false;
    items.forEach(function (item) {
      chain = chain.then(function () {
        sending[item.key] = true;
        return send(item).then(function (out) {
          delete sending[item.key];
          if (out.result === "later") { later = true; return; }
          if (out.result === "sent") { drop(item.key); } else { refuse(item.key); }  // nothing to retry
        });
      });
    });
    return chain.then(function () {
      showStatus();
      if (later) { schedule(); } else { delay = 2000; }
    });
  }

  function schedule() {
    if (retry !== null) { return; }
    retry = window.setTimeout(flush, delay);
    delay = Math.min(delay * 2, 15000);
  }

  /* ---- what the person sees ---- */

  function statusBoxes() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-outbox-status]"));
    var visible = boxes.filter(function (b) { return b.offsetParent !== null; });
    if (visible.length) { return visible; }
    var main = document.getElementById("main");
    if (!main) { return []; }
    var p = document.createElement("p");
    p.className = "notice outbox-status";
    p.setAttribute("role", "status");
    p.setAttribute("data-outbox-status", "");
    main.insertBefore(p, main.firstChild);
    return [p];
  }

  function showStatus() {
    var items = load(), waiting = items.length, now = {};
    items.forEach(function (i) { now[i.key] = true; });
    Object.keys(shown).forEach(function (key) {  // gone: sent from here or from another tab
      if (!now[key] && !refused(key)) { sentNow.push(shown[key]); }
      if (!now[key]) { delete shown[key]; }
    });
    items.forEach(function (i) { shown[i.key] = i.what || "entry"; });
    var text = "";
    if (waiting) {
      text = PENDING + (waiting > 1 ? " (" + waiting + " waiting)" : "");
    } else if (sentNow.length) {
      var names = [];
      sentNow.forEach(function (w) {
        var name = "the " + w.replace("_", "-");
        if (names.indexOf(name) < 0) { names.push(name); }
      });
      text = "Sent: " + names.join(" and ") + (names.length > 1 ? " are" : " is") + " saved now.";
    }
    if (!text && !document.querySelector("[data-outbox-status]:not(:empty)")) { return; }
    statusBoxes().forEach(function (box) {
      box.textContent = text;
      box.setAttribute("data-outbox", waiting ? "pending" : "sent");
    });
  }

  function showAdvice(reason) {
    var box = document.getElementById("stop-advice");
    if (!box || !box.hidden) { return; }
    var section = box.querySelector('[data-reason="' + reason + '"]') || box.querySelector('[data-reason="other"]');
    if (!section) { return; }
    Array.prototype.forEach.call(box.parentNode.children, function (el) {
      if (el !== box) { el.hidden = true; }  // the question and its answers: answered now
    });
    section.hidden = false;
    box.hidden = false;
    var heading = section.querySelector("h2, h1");
    if (heading) { heading.focus(); }
  }

  function markNotSaved(status) {
    Array.prototype.forEach.call(document.querySelectorAll("#stop-advice [data-outbox-status]"), function (box) {
      box.textContent = "This stop could not be saved (the server answered " + status + "). What to do is above.";
      box.setAttribute("data-outbox", "refused");
    });
  }

  function notKept(what) {  // storage switched off or full: say so rather than promise
    statusBoxes().forEach(function (box) {
      box.textContent = "Not saved: the server cannot be reached and this browser keeps nothing. " +
        "Note the " + what.replace("_", "-") + " yourself, or try again when the connection is back.";
      box.setAttribute("data-outbox", "lost");
    });
  }

  /* ---- forms that opt in ---- */

  function fieldsOf(form, submitter) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { fields[name] = value; }
    });
    if (submitter && submitter.name) { fields[submitter.name] = submitter.value; }
    return fields;
  }

  function submitted(event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-outbox")) { return; }
    event.preventDefault();
    if (form.getAttribute("data-busy") === "1") { return; }
    form.setAttribute("data-busy", "1");
    var what = form.getAttribute("data-what") || "entry";
    var item = {
      key: newKey(), url: new URL(form.action, window.location.href).pathname,
      fields: fieldsOf(form, event.submitter), done: form.getAttribute("data-outbox"), what: what,
      made: Date.now()
    };
    var stop = what === "stop";
    var reason = item.fields.reason || "other";
    var kept = keep(item);  // first, so it survives this page closing mid-request
    var early = stop ? window.setTimeout(function () { showAdvice(reason); showStatus(); }, ADVICE_MS) : null;
    sending[item.key] = true;
    send(item).then(function (out) {
      delete sending[item.key];
      window.clearTimeout(early);
      if (out.result === "sent") {
        drop(item.key);
        window.location.replace(out.response.url);  // the server's page: the normal path
        return;
      }
      if (out.result === "later") {
        if (stop) { showAdvice(reason); }
        showStatus();
        if (!kept) { notKept(what); }
        schedule();
        form.removeAttribute("data-busy");
        return;
      }
      refuse(item.key);
      if (stop && !out.response.ok) {  // refused (an expired form): the advice all the same
        showAdvice(reason);
        markNotSaved(out.response.status);
        return;
      }
      // another answer (a form error, a stop not saved for a reason the page gives): the
      // server's own page, asked for again the ordinary way; the key makes that harmless
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "key";
      input.value = item.key;
      form.appendChild(input);
      if (event.submitter && event.submitter.name) {
        var chosen = document.createElement("input");
        chosen.type = "hidden";
        chosen.name = event.submitter.name;
        chosen.value = event.submitter.value;
        form.appendChild(chosen);
      }
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  document.addEventListener("submit", submitted);
  window.addEventListener("storage", function (e) { if (e.key === STORE) { showStatus(); } });
  window.addEventListener("online", function () { delay = 2000; flush(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && load().length) { flush(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", flush);
  } else {
    flush();
  }
})();
