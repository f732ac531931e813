/* Guided player. The cues come from the server's session timeline (offsets in seconds). The
   current cue is computed from performance.now() against one start time, so a background tab
   whose timers are throttled never drifts: it only shows the right cue a little later. */
(function () {
  "use strict";
  var root = document.getElementById("player");
  if (!root) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var speed = parseFloat(root.getAttribute("data-speed")) || 1;
  var cues = [], names = [], length = 0;
  var started = null, pausedAt = null, pausedTotal = 0, skipped = 0;
  var shown = -1, timer = null, audio = null, state = "loading";

  function setState(s) { state = s; root.setAttribute("data-state", s); }

  function elapsed(now) {
    if (started === null) { return 0; }
    var ref = pausedAt !== null ? pausedAt : now;
    var at = (ref - started - pausedTotal) / 1000 * speed + skipped;
    return Math.max(0, Math.min(length, at));
  }

  function indexAt(at) {
    var k = 0;
    for (var i = 0; i < cues.length; i++) {
      if (cues[i].offset <= at) { k = i; } else { break; }
    }
    return k;
  }

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    return s >= 60 ? Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0") : String(s);
  }

  function tone() {
    if (!audio) { return; }
    var t = audio.currentTime, osc = audio.createOscillator(), gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = 528;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.12, t + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.6);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.65);
  }

  function speak(text) {
    if (!$("voice").checked || !("speechSynthesis" in window)) { return; }
    window.speechSynthesis.cancel();
    var u = new SpeechSynthesisUtterance(text);
    u.rate = 0.95;
    window.speechSynthesis.speak(u);
  }

  function announce(k) {
    var cue = cues[k];
    shown = k;
    root.setAttribute("data-cue", String(k));
    $("cue").textContent = cue.text;
    $("breath").textContent = cue.breath || "";
    var index = cue.index === null ? "" : String(cue.index);
    $("stop-index").value = index;
    $("stop-open-index").value = index;
    if (cue.index !== null) {
      root.setAttribute("data-index", String(cue.index));  // the camera coach follows this
      $("technique-label").textContent =
        "Technique " + (cue.index + 1) + " of " + names.length + ": " + names[cue.index];
    }
    var next = cues[k + 1];
    $("next").textContent = next ? next.text : "the end";
    tone();
    speak(cue.breath ? cue.text + " " + cue.breath : cue.text);
  }

  function tick() {
    if (state !== "running" && state !== "paused") { return; }
    var at = elapsed(performance.now());
    var k = indexAt(at);
    if (k !== shown) { announce(k); }
    var cue = cues[k];
    const until = cue.phase_end == null ? cue.offset + cue.duration : cue.phase_end;
    $("countdown").textContent = clock(until - at);
    $("overall").value = at;
    if (at >= length) { finish(); }
  }

  function finish() {
    setState("done");
    window.clearInterval(timer);
    $("countdown").textContent = "0";
    $("pause").hidden = true;
    $("skip").hidden = true;
    $("done").hidden = false;
    $("done-title").focus();
  }

  function start() {
    if (state !== "ready") { return; }
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx) { try { audio = new Ctx(); } catch (e) { audio = null; } }
    started = performance.now();
    setState("running");
    $("start").hidden = true;
    $("pause").hidden = false;
    $("skip").hidden = false;
    $("pause").focus();
    tick();
    timer = window.setInterval(tick, 100);
  }

  function togglePause() {
    var now = performance.now();
    if (state === "running") {
      tick();
      pausedAt = now;
      setState("paused");
      $("pause").textContent = "Resume";
      $("pause").setAttribute("aria-pressed", "true");
      if ("speechSynthesis" in window) { window.speechSynthesis.cancel(); }
      $("cue").textContent = "Paused. " + cues[shown].text;
    } else if (state === "paused") {
      pausedTotal += now - pausedAt;
      pausedAt = null;
      setState("running");
      $("pause").textContent = "Pause";
      $("pause").setAttribute("aria-pressed", "false");
      shown = -1;
      tick();
    }
  }

  function skip() {
    if (state !== "running" && state !== "paused") { return; }
    var at = elapsed(performance.now());
    var cur = cues[indexAt(at)];
    var target = length;
    for (var i = 0; i < cues.length; i++) {
      var c = cues[i];
      if (c.offset > cur.offset && c.index !== null && c.index !== cur.index) { target = c.offset; break; }
    }
    skipped += target - at;
    tick();
  }

  function stop(event) {
    if (event) { event.preventDefault(); }
    if (started !== null && state !== "done") { pausedAt = performance.now(); }
    window.clearInterval(timer);
    if ("speechSynthesis" in window) { window.speechSynthesis.cancel(); }
    setState("stopped");
    $("start").hidden = true;
    $("pause").hidden = true;
    $("skip").hidden = true;
    $("stop-open").hidden = true;
    root.hidden = true;
    $("stop-panel").hidden = false;
    $("stop-title").focus();
  }

  $("start").addEventListener("click", start);
  $("pause").addEventListener("click", togglePause);
  $("skip").addEventListener("click", skip);
  $("stop-open").addEventListener("submit", stop);
  document.addEventListener("visibilitychange", tick);
  $("start").disabled = true;
  setState("loading");

  fetch(root.getAttribute("data-timeline"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.statusText); } return r.json(); })
    .then(function (data) {
      cues = data.cues;
      names = data.techniques;
      length = cues[cues.length - 1].offset;
      $("overall").max = length;
      $("start").disabled = false;
      setState("ready");
    })
    .catch(function () {
      $("cue").textContent = "The session could not be loaded. Go back to the routine and try again.";
      setState("error");
    });
})();
