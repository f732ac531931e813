/* Guided player. The cues come from the server's session timeline (offsets in seconds). The
   current cue is computed from performance.now() against one start time, so a background tab
   whose timers are throttled never drifts: it only shows the right cue a little later.

   Speech is queued, never cut at a new cue: the timeline gives every cue at least its speaking
   time. The technique's animated figure is inlined and its SMIL clock is set from the countdown,
   so the picture moves in, holds and comes back with the voice. Everything the session needs
   (timeline and pictures) is loaded before Start, so it keeps running if the server goes away. */
(function () {
  "use strict";
  var root = document.getElementById("player");
  if (!root) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var speed = parseFloat(root.getAttribute("data-speed")) || 1;
  var cues = [], names = [], pictures = [], svgTexts = {}, length = 0;
  var started = null, pausedAt = null, pausedTotal = 0, skipped = 0;
  var shown = -1, timer = null, audio = null, state = "loading", before = "ready";
  var figureIndex = -2, figureSvg = null;
  var reduce = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  var still = !!(reduce && reduce.matches);

  var PHASES = {
    ready: "Get ready", intro: "Get into position", step: "Get into position",
    move: "Moving in", hold: "Hold", release: "Coming back", rest: "Rest",
    switch_side: "Switch sides", complete: "Done"
  };

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

  function hush() {
    if ("speechSynthesis" in window) { window.speechSynthesis.cancel(); }
  }

  function speak(text) {
    if (!text || !$("voice").checked || !("speechSynthesis" in window)) { return; }
    var u = new SpeechSynthesisUtterance(text);
    u.rate = 1;
    window.speechSynthesis.speak(u);  // queued behind anything still being said
  }

  /* ---- the figure ---- */

  function showFigure(index) {
    if (index === figureIndex) { return; }
    figureIndex = index;
    var box = $("player-figure"), p = pictures[index];
    box.textContent = "";
    figureSvg = null;
    var text = p && svgTexts[p.svg];
    var svg = text && window.easebackSvg ? window.easebackSvg.inline(text) : null;
    if (!svg) { box.hidden = true; return; }
    box.appendChild(svg);
    box.hidden = false;
    figureSvg = svg;
    if (typeof svg.pauseAnimations === "function") { svg.pauseAnimations(); }
    cropToBody(svg, p);
  }

  /* The drawing leaves room for every technique's props; on a phone that leaves the body
     small. Its view is cut to the body over the loop (sampled at 36 moments), with a margin,
     so the body is drawn across the box and the floor shows under it. While getting into
     position the view follows the body (kneeling upright is taller than on all fours), and
     eases into the loop's view over the last part of the way, so repetition 1 does not jump. */
  var crops = {};

  function bodyBox(svg, from, to, count) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    var parts = svg.querySelectorAll("use.o, circle.hd");
    for (var k = 0; k <= count; k++) {
      if (count) { svg.setCurrentTime(from + (to - from) * k / count); }
      for (var i = 0; i < parts.length; i++) {
        var b = parts[i].getBBox();
        if (b.width || b.height) {
          x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
          x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
        }
      }
    }
    if (!(x1 > x0 && y1 > y0)) { return null; }
    var m = 0.06 * Math.max(x1 - x0, y1 - y0);
    return [x0 - m, y0 - m, x1 - x0 + 2 * m, y1 - y0 + 2 * m];  // a viewBox, with a margin
  }

  function cropToBody(svg, p) {
    if (typeof svg.setCurrentTime !== "function" || typeof svg.getBBox !== "function") { return; }
    if (!crops[p.svg]) {
      // (the clock wraps at the duration, back to where the setup starts: stop short of it)
      var view = bodyBox(svg, p.setup ? p.setup[1] + 0.01 : 0, (p.duration || 0) - 0.01, 36);
      if (!view) { return; }
      crops[p.svg] = view;
    }
    frameView(svg, p, 1);
    svg.setAttribute("preserveAspectRatio", "xMidYMax meet");  // on the floor, next to the count
  }

  function union(a, b) {
    var x = Math.min(a[0], b[0]), y = Math.min(a[1], b[1]);
    return [x, y, Math.max(a[0] + a[2], b[0] + b[2]) - x, Math.max(a[1] + a[3], b[1] + b[3]) - y];
  }

  /* f: how far the figure has got into position (1: there, and in the loop) */
  function frameView(svg, p, f) {
    var loop = crops[p.svg], view = loop;
    if (!loop) { return; }
    if (f < 1) {
      var now = bodyBox(svg, 0, 0, 0) || loop;
      var g = Math.min(1, Math.max(0, (f - 0.8) / 0.2));
      view = union(now, now.map(function (v, i) { return v + g * (loop[i] - v); }));
    }
    var text = view.map(function (v) { return Math.round(v * 10) / 10; }).join(" ");
    if (svg.getAttribute("viewBox") !== text) { svg.setAttribute("viewBox", text); }
  }

  function sideOf(p, cue) {
    var sides = p.sides || {};
    var name = cue.side || "";
    if (cue.kind === "switch_side") { name = "right"; }
    return sides[name] || sides[""] || sides.right || sides.left || null;
  }

  /* Getting into position: the picture moves from a plain pose for the place (lying, kneeling,
     sitting, standing) into the start pose over the first three quarters of the setup steps,
     and the movement itself only from repetition 1. Before Start it shows the plain pose;
     held still (reduced motion), the start pose. */
  var setupFrom = {};

  function setupPart(cue, at) {
    if (still) { return 1; }
    if (cue.kind === "ready") { return 0; }
    var from = setupFrom[cue.index], to = cue.phase_end == null ? cue.offset + cue.duration : cue.phase_end;
    return to > from ? Math.min(1, Math.max(0, (at - from) / (0.75 * (to - from)))) : 1;
  }

  function inSetup(cue) {
    var p = pictures[cue.index === null ? 0 : cue.index];
    var setup = cue.kind === "ready" || cue.kind === "intro" || cue.kind === "step";
    return !!(p && p.setup && setup);
  }

  function figureTime(cue, at) {
    var p = pictures[cue.index === null ? 0 : cue.index];
    if (inSetup(cue)) { return p.setup[0] + setupPart(cue, at) * (p.setup[1] - p.setup[0]); }
    var s = p ? sideOf(p, cue) : null;
    if (!s) { return 0; }
    var f = cue.duration > 0 ? Math.min(1, Math.max(0, (at - cue.offset) / cue.duration)) : 1;
    if (still) { return cue.kind === "move" || cue.kind === "hold" ? s["in"][1] : s["in"][0]; }
    if (cue.kind === "move") { return s["in"][0] + f * (s["in"][1] - s["in"][0]); }
    if (cue.kind === "hold") { return s["in"][1]; }
    if (cue.kind === "release") { return s.out[0] + f * (s.out[1] - s.out[0]); }
    return s["in"][0];
  }

  function drawFigure(cue, at) {
    var index = cue.index === null ? 0 : cue.index;
    showFigure(index);
    if (figureSvg && typeof figureSvg.setCurrentTime === "function") {
      figureSvg.pauseAnimations();
      figureSvg.setCurrentTime(figureTime(cue, at));
      if (pictures[index]) { frameView(figureSvg, pictures[index], inSetup(cue) ? setupPart(cue, at) : 1); }
    }
  }

  function setStill(on) {
    still = on;
    $("motion").setAttribute("aria-pressed", on ? "true" : "false");
    $("motion").textContent = on ? "Move the picture" : "Hold the picture still";
    $("player-figure").setAttribute("data-motion", on ? "still" : "moving");
    if (cues.length) { var at = elapsed(performance.now()); drawFigure(cues[indexAt(at)], at); }
  }

  /* ---- cues ---- */

  function nextLabel(c) {
    if (!c || c.kind === "complete") { return "the end"; }
    if (c.kind === "intro") { return names[c.index]; }
    if (c.kind === "step") {
      var number = /^(\d+)\./.exec(c.text || "");
      return number ? "step " + number[1] : "the next step";
    }
    if (c.kind === "move") { return "repetition " + c.rep + " of " + c.reps; }
    if (c.kind === "hold") { return "hold"; }
    if (c.kind === "release") { return "come back"; }
    if (c.kind === "switch_side") { return "switch sides"; }
    return "rest";
  }

  function announce(k, voice) {
    var cue = cues[k];
    shown = k;
    root.setAttribute("data-cue", String(k));
    root.setAttribute("data-kind", cue.kind);
    $("cue").textContent = cue.text;
    $("breath").textContent = cue.breath || "";
    $("phase").textContent = PHASES[cue.kind] || "";
    var index = cue.index === null ? "" : String(cue.index);
    $("stop-index").value = index;
    $("stop-open-index").value = index;
    if (cue.index !== null) {
      root.setAttribute("data-index", String(cue.index));  // the camera coach follows this
      $("technique-label").textContent =
        "Technique " + (cue.index + 1) + " of " + names.length + ": " + names[cue.index];
    }
    $("next").textContent = nextLabel(cues[k + 1]);
    if (voice) {
      tone();
      speak(cue.say || cue.text);
    }
  }

  function tick() {
    if (state !== "running" && state !== "paused") { return; }
    var at = elapsed(performance.now());
    var k = indexAt(at);
    if (k !== shown) { announce(k, state === "running"); }
    var cue = cues[k];
    var until = cue.phase_end == null ? cue.offset + cue.duration : cue.phase_end;
    $("countdown").textContent = clock(until - at);
    $("overall").value = at;
    drawFigure(cue, at);
    remember(at);
    if (at >= length) { finish(); }
  }

  /* Where the session is, kept in this tab so a reload or an accidental leave can carry on. */
  var SAVED = "easeback-player-position", savedAt = 0;

  function remember(at) {
    if (at - savedAt < 1 && at >= savedAt) { return; }
    savedAt = at;
    try {
      window.sessionStorage.setItem(SAVED, JSON.stringify({ length: length, at: at, when: Date.now() }));
    } catch (e) { /* storage off: nothing to carry on from */ }
  }

  function forget() {
    try { window.sessionStorage.removeItem(SAVED); } catch (e) { /* nothing kept */ }
  }

  function remembered() {
    try {
      var kept = JSON.parse(window.sessionStorage.getItem(SAVED) || "null");
      var fresh = kept && Date.now() - kept.when < 6 * 3600 * 1000;
      return fresh && kept.length === length && kept.at > 0 && kept.at < length ? kept.at : null;
    } catch (e) { return null; }
  }

  function showBar(running) {
    $("resume").hidden = true;
    $("start").hidden = running;
    $("pause").hidden = !running;
    $("skip").hidden = !running;
  }

  function finish() {
    forget();
    setState("done");
    window.clearInterval(timer);
    $("countdown").textContent = "0";
    $("player-bar").hidden = true;
    $("skip").hidden = true;
    root.hidden = true;  // the panel takes the player's place, as the stop panel does
    $("done").hidden = false;
    window.scrollTo(0, 0);
    $("done-title").focus();
  }

  function start(from) {
    if (state !== "ready") { return; }
    skipped = typeof from === "number" ? from : 0;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx) { try { audio = new Ctx(); } catch (e) { audio = null; } }
    started = performance.now();
    setState("running");
    showBar(true);
    $("pause").focus();
    tick();
    timer = window.setInterval(tick, 100);
  }

  function pause() {
    tick();
    pausedAt = performance.now();
    setState("paused");
    $("pause").textContent = "Resume";
    $("pause").setAttribute("aria-pressed", "true");
    hush();
    $("phase").textContent = "Paused";
  }

  function resume() {
    if (pausedAt !== null) { pausedTotal += performance.now() - pausedAt; }
    pausedAt = null;
    setState("running");
    $("pause").textContent = "Pause";
    $("pause").setAttribute("aria-pressed", "false");
    carryOnSpeaking();
    tick();
  }

  /* Carrying on (Resume, or "I'm fine, carry on") speaks from where the session is: the
     sentences of the cue that the voice had not reached when it was paused, and only if they
     can be said before the cue's time is up. Otherwise nothing: the words are on the screen
     and the next cue is said on time. Never the whole cue again from the start. */
  var WORDS_PER_SECOND = 2.5;  // the timeline's speaking pace (domain/timeline.py)

  function carryOnSpeaking() {
    var at = elapsed(performance.now()), k = indexAt(at);
    announce(k, false);
    speak(restToSay(cues[k], at));
  }

  function restToSay(cue, at) {
    var sentences = (cue.say || cue.text).match(/[^.!?]+(?:[.!?]+|$)/g) || [];
    var reached = Math.max(0, at - cue.offset) * WORDS_PER_SECOND, words = 0, rest = [];
    sentences.forEach(function (sentence) {
      var n = sentence.trim().split(/\s+/).length;
      if (words + n / 2 > reached) { rest.push(sentence.trim()); }  // not reached, or barely begun
      words += n;
    });
    var text = rest.join(" ");
    var count = text ? text.split(/\s+/).length : 0;
    var left = cue.offset + cue.duration - at;
    return count && count / WORDS_PER_SECOND + 0.5 <= left ? text : "";
  }

  function togglePause() {
    if (state === "running") { pause(); } else if (state === "paused") { resume(); }
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
    hush();
    tick();
  }

  function stop(event) {
    if (event) { event.preventDefault(); }
    if (state === "stopped" || state === "done") { return; }
    before = state;
    if (state === "running") { pausedAt = performance.now(); }
    window.clearInterval(timer);
    hush();
    setState("stopped");
    root.hidden = true;
    $("player-bar").hidden = true;
    $("stop-panel").hidden = false;
    $("stop-title").focus();
  }

  function carryOn() {
    if (state !== "stopped") { return; }
    $("stop-panel").hidden = true;
    root.hidden = false;
    $("player-bar").hidden = false;
    if (before === "ready" || before === "loading") {
      setState(before);
      $("start").focus();
      return;
    }
    setState("paused");  // resume() takes the time spent on the stop panel off the clock
    resume();
    timer = window.setInterval(tick, 100);
    $("pause").focus();
  }

  function leaving(event) {
    if (state === "running" || state === "paused") {
      event.preventDefault();
      event.returnValue = "";  // the browser asks before leaving a session under way
    }
  }

  $("start").addEventListener("click", function () { start(0); });
  $("resume").addEventListener("click", function () { start(remembered() || 0); });
  document.querySelector("#stop-panel form").addEventListener("submit", forget);
  $("pause").addEventListener("click", togglePause);
  $("skip").addEventListener("click", skip);
  $("stop-open").addEventListener("submit", stop);
  $("carry-on").addEventListener("click", carryOn);
  $("motion").addEventListener("click", function () { setStill(!still); });
  if (reduce && reduce.addEventListener) {
    reduce.addEventListener("change", function (e) { setStill(e.matches); });
  }
  window.addEventListener("beforeunload", leaving);
  document.addEventListener("visibilitychange", tick);
  $("start").disabled = true;
  setState("loading");
  setStill(still);

  function loadPictures() {
    var urls = [];
    pictures.forEach(function (p) { if (p && p.svg && urls.indexOf(p.svg) < 0) { urls.push(p.svg); } });
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (text) { if (text) { svgTexts[url] = text; } })
        .catch(function () { /* the session runs without the picture */ });
    }));
  }

  function keepOffline(url, data) {
    /* What this session needs, kept for the service worker to serve if the server goes away. */
    if (!("caches" in window)) { return; }
    caches.open("easeback-player-v1").then(function (cache) {
      cache.put(url, new Response(JSON.stringify(data), { headers: { "content-type": "application/json" } }));
      Object.keys(svgTexts).forEach(function (svgUrl) {
        cache.put(svgUrl, new Response(svgTexts[svgUrl], { headers: { "content-type": "image/svg+xml" } }));
      });
    }).catch(function () { /* private mode and the like: the session runs all the same */ });
  }

  var timelineUrl = root.getAttribute("data-timeline"), timelineData = null;
  fetch(timelineUrl, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.statusText); } return r.json(); })
    .then(function (data) {
      timelineData = data;
      cues = data.cues;
      cues.forEach(function (c) {
        if (c.kind === "intro" && !(c.index in setupFrom)) { setupFrom[c.index] = c.offset; }
      });
      names = data.techniques;
      pictures = data.pictures || [];
      length = cues[cues.length - 1].offset;
      $("overall").max = length;
      return loadPictures();
    })
    .then(function () {
      keepOffline(timelineUrl, timelineData);
      drawFigure(cues[0], 0);
      $("countdown").textContent = clock(length);  // the whole session, until Start
      $("start").disabled = false;
      setState("ready");
      var from = remembered();
      if (from !== null) {
        $("resume").hidden = false;
        $("start").textContent = "Start again";
        $("start").className = "secondary";
        var whole = Math.floor(from);
        $("resume").textContent = "Carry on from " + Math.floor(whole / 60) + ":" +
          String(whole % 60).padStart(2, "0");
        $("cue").textContent = "You left a session at " +
          (cues[indexAt(from)].index === null ? "the start" : names[cues[indexAt(from)].index]) +
          ". Carry on from there, or start again.";
      }
    })
    .catch(function () {
      $("cue").textContent = "The session could not be loaded. Go back to the routine and try again.";
      setState("error");
    });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* optional */ });
  }
})();
