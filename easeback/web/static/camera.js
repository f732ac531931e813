/* Camera coach in the player. Off until the person switches it on. The server reads the local
   camera; this page only fetches the server's preview pictures and numbers, and tells it which
   technique the player is on (it follows the player's data-index and data-state attributes).
   Nothing here touches the browser's own camera. */
(function () {
  "use strict";
  var box = document.getElementById("camera");
  var player = document.getElementById("player");
  if (!box || !player) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var csrf = box.getAttribute("data-csrf");
  var run = String(Date.now()) + "-" + Math.random().toString(36).slice(2);
  var LABELS = {
    slow_down: "Slow down",
    bouncing: "Bouncing",
    past_range: "Past a comfortable range",
    setup: "Setup guidance"
  };
  /* Warnings the coach says aloud (with "Speak the steps" on), each at most once per
     SAY_EVERY ms, so a person who keeps bouncing hears it again but is not talked over. */
  var SAY = {
    slow_down: "Slow down",
    bouncing: "No bouncing",
    past_range: "Ease back"
  };
  var SAY_EVERY = 8000;
  var said = {}, heard = null;  // when each kind was last said; the counts already seen
  var on = false, routine = null, current = null, poller = null, frames = 0;
  var answered = false;  // the server has taken the last start request

  function setState(s) { box.setAttribute("data-state", s); }

  function send(path, body, keepalive) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body || {})
    });
  }

  function techniqueId() {
    if (!routine || !routine.length) { return "auto"; }
    var k = parseInt(player.getAttribute("data-index") || "0", 10);
    return routine[Math.max(0, Math.min(routine.length - 1, k || 0))].id;
  }

  function follow() {
    // Nothing is started before the first answer names the routine: the player may change its
    // state meanwhile (as it sets itself up), and a start for the generic mode sent then would
    // be followed at once by another for the technique itself.
    if (!on || routine === null) { return; }
    var tid = techniqueId();
    if (tid === current) { return; }
    current = tid;
    answered = false;
    send("/player/camera/start", { technique: tid, run: run }).then(function (r) {
      answered = true;
      if (r.status === 409) { needsInstall(); }
    });
  }

  function needsInstall() {
    $("camera-install").hidden = false;
    $("camera-live").hidden = true;
    $("camera-on").checked = false;
    on = false;
    setState("missing");
  }

  function refreshPicture() {
    if (!on) { return; }
    frames += 1;
    $("camera-preview").src = "/player/camera/frame.jpg?n=" + frames;
  }

  function sayNew(s) {
    /* Speak warnings whose count went up since the last poll of this technique's stretch. */
    var before = heard, counts = s.warnings || {};
    heard = { technique: s.technique, counts: counts };
    if (!before || before.technique !== s.technique) { return; }  // a new stretch: baseline
    var voice = $("voice");
    if (!voice || !voice.checked || !("speechSynthesis" in window)) { return; }
    var now = Date.now();
    Object.keys(SAY).forEach(function (kind) {
      if ((counts[kind] || 0) <= (before.counts[kind] || 0)) { return; }
      if (said[kind] && now - said[kind] < SAY_EVERY) { return; }
      said[kind] = now;
      box.setAttribute("data-said", kind);
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(SAY[kind]));
    });
  }

  function show(s, fresh) {
    // A status asked for before the server took this start may still be an earlier run's error:
    // it must not switch off a camera that is starting again.
    if (s.state === "error" && !fresh) { return; }
    sayNew(s);
    $("camera-reps").textContent = String(s.reps);
    $("camera-hold").textContent = String(Math.round(s.hold_seconds));
    if (s.message) { $("camera-message").textContent = s.message; }
    var list = $("camera-warnings");
    list.textContent = "";
    Object.keys(LABELS).forEach(function (kind) {
      var n = s.warnings[kind] || 0;
      if (!n) { return; }
      var li = document.createElement("li");
      li.setAttribute("data-kind", kind);
      li.textContent = LABELS[kind] + ": " + n;
      list.appendChild(li);
    });
    if (s.state === "ended") { $("camera-message").textContent = "The video has ended."; }
    var err = $("camera-error");
    err.hidden = !s.error;
    err.textContent = s.error || "";
    if (s.state === "error") {
      // The camera is not running: no preview box or numbers waiting for it, the switch off, and
      // what the person can do about it.
      err.textContent = "The camera coach could not go on (" + s.error + "). Check that a webcam " +
        "is connected and that no other program is using it, then switch the coach on again. " +
        "The session itself does not need the camera.";
      $("camera-on").checked = false;
      switchOff(false);
      setState("error");
      return;
    }
    setState(s.state);
    if (s.state === "off" && on) { current = null; follow(); }  // it went idle: start again
  }

  function poll() {
    if (!on) { return; }
    var fresh = answered;  // asked after the server took the last start
    fetch("/player/camera.json", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (!on) { return; }
        if (!s.installed) { needsInstall(); return; }
        if (routine === null) { routine = s.routine || []; follow(); }
        if (s.technique === current) { show(s, fresh); }
      })
      .catch(function () { /* the next poll tries again */ });
  }

  function switchOn() {
    on = true;
    current = null;
    heard = null;
    $("camera-install").hidden = true;
    $("camera-error").hidden = true;
    $("camera-live").hidden = false;
    $("camera-message").textContent = "Starting the camera…";
    setState("starting");
    follow();
    poll();
    poller = window.setInterval(poll, 300);
    refreshPicture();
  }

  function switchOff(keepalive) {
    if (!on) { return; }
    on = false;
    current = null;
    window.clearInterval(poller);
    $("camera-live").hidden = true;
    $("camera-preview").removeAttribute("src");
    $("camera-preview").classList.add("waiting");
    setState("off");
    send("/player/camera/stop", {}, keepalive);
  }

  // A frame shown takes the waiting box's place; a frame the camera could not give brings it back
  // (before the first frame, and once the camera has gone) instead of a broken picture.
  $("camera-preview").addEventListener("load", function () {
    if (!on) { return; }  // a frame that arrives after switching off is not shown next time
    $("camera-preview").classList.remove("waiting");
    window.setTimeout(refreshPicture, 80);
  });
  $("camera-preview").addEventListener("error", function () {
    $("camera-preview").classList.add("waiting");
    window.setTimeout(refreshPicture, 400);
  });
  $("camera-on").addEventListener("change", function (e) {
    if (e.target.checked) { switchOn(); } else { switchOff(false); }
  });
  new MutationObserver(function () {
    var state = player.getAttribute("data-state");
    if (state === "stopped" || state === "done") {
      switchOff(false);
      $("camera-on").checked = false;
    } else {
      follow();
    }
  }).observe(player, { attributes: true, attributeFilter: ["data-index", "data-state"] });
  window.addEventListener("pagehide", function () { switchOff(true); });
})();
