/* The camera coach in the page: this device's own camera (the front one on a phone), the pose
   model running here (MediaPipe Pose, served by easeback itself), and only the 33 body points of
   each frame sent to easeback over a WebSocket; the server's coach answers with counts, holds and
   warnings, shown and spoken here. The picture never leaves the page. Off until switched on; if
   anything goes wrong, the session goes on without it. */
(function () {
  "use strict";
  var box = document.getElementById("coach-web");
  var player = document.getElementById("player");
  if (!box || !player) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var BASE = "/pose-web/";
  var FULL = 1, LITE = 0;
  var MIN_FPS = 15;          // the full model must keep this many frames a second, else lite
  var MEASURE_MS = 3000;     // over the first seconds of results
  var AWAY_MS = 2500;        // no one found this long: say so
  var SAY_EVERY = 8000;      // a warning said again at most this often
  var LABELS = {
    slow_down: "Slow down", bouncing: "Bouncing",
    past_range: "Past a comfortable range", setup: "Setup guidance"
  };
  var SAY = {
    slow_down: "Slow down", bouncing: "No bouncing", past_range: "Ease back",
    setup: "Move so the camera sees your whole body"
  };
  var BONES = [[11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
    [23, 25], [25, 27], [24, 26], [26, 28], [27, 31], [28, 32], [0, 11], [0, 12]];
  var run = String(Date.now()) + "-" + Math.random().toString(36).slice(2);

  var on = false, pose = null, stream = null, socket = null, opened = false;
  /* ?pose-model=lite or full pins the model (bench/coach-web measures each); otherwise full,
     and lite when full is too slow here */
  var pinned = (/[?&]pose-model=(lite|full)/.exec(location.search) || [])[1] || null;
  var model = pinned === "lite" ? LITE : FULL, began = 0, results = 0, measured = false, fps = 0;
  /* what the page has measured, for bench/coach-web: results, and each frame's round trip (ms) */
  var stats = window.easebackCoach = { results: 0, rtt: [], t: 0 };
  /* ?pose-timescale=k: the camera shows a clip k times slower than it happened (bench/coach-web
     feeds one so that a slow machine's model sees enough of each movement); times are divided
     by k so that the coach sees the movement at its own pace */
  var timescale = parseFloat((/[?&]pose-timescale=([0-9.]+)/.exec(location.search) || [])[1]) || 1;
  var sent = {};
  var t0 = 0, n = 0, lastSeen = 0, said = {}, heard = {}, index = null, busy = false;

  function setState(s) { box.setAttribute("data-state", s); }

  function notice(text) {
    var p = $("coach-web-notice");
    p.textContent = text;
    p.hidden = !text;
  }

  function message(text) { $("coach-web-message").textContent = text; }

  /* ---- the camera ---- */

  function cameraSentence(err) {
    var name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
      return "The camera was not allowed, so the coach is off and the session goes on without " +
        "it. To use the coach, allow the camera for this page in the browser's settings and " +
        "switch it on again.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
      return "No camera was found on this device, so the coach is off and the session goes on " +
        "without it.";
    }
    if (name === "NotReadableError" || name === "AbortError" || name === "TrackStartError") {
      return "The camera is in use by another app or tab. Close that, then switch the coach on " +
        "again; the session goes on without it meanwhile.";
    }
    return "The camera could not be started (" + (name || err) + "), so the coach is off and " +
      "the session goes on without it.";
  }

  function openCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject({ name: "Insecure", message: "" });
    }
    return navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } }
    });
  }

  /* ---- the model ---- */

  function loadScript() {
    if (window.Pose) { return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = BASE + "pose.js";
      s.onload = resolve;
      s.onerror = function () { reject(new Error("the pose model did not load")); };
      document.head.appendChild(s);
    });
  }

  function newPose(complexity) {
    /* global Pose */
    var p = new window.Pose({ locateFile: function (file) { return BASE + file; } });
    p.setOptions({
      modelComplexity: complexity, smoothLandmarks: true, enableSegmentation: false,
      minDetectionConfidence: 0.5, minTrackingConfidence: 0.5
    });
    return p;
  }

  /* the page's own pose set-up and landmark message, for bench/coach-web's harness, which runs
     the model over every frame of a clip */
  stats.newPose = function (name, options) {
    return loadScript().then(function () {
      var p = newPose(name === "lite" ? LITE : FULL);
      if (options) { p.setOptions(options); }
      return p;
    });
  };
  stats.points = points;

  function modelName() { return model === FULL ? "full" : "lite"; }

  function showModel() {
    var text = "Pose model: " + modelName();
    if (measured) { text += " (" + fps.toFixed(1) + " frames a second)"; }
    if (model === LITE && measured) { text += "; the full model was too slow on this device"; }
    $("coach-web-model").textContent = text;
    box.setAttribute("data-model", modelName());
    box.setAttribute("data-fps", fps.toFixed(2));
  }

  function measure(now) {
    /* Frames a second of the model over its first seconds; lite if full cannot keep up. */
    results += 1;
    if (results === 1) { began = now; return; }  // the first result includes loading
    if (measured || now - began < MEASURE_MS) { return; }
    fps = (results - 1) * 1000 / (now - began);
    measured = true;
    if (model === FULL && fps < MIN_FPS && !pinned) {
      model = LITE;
      pose.setOptions({ modelComplexity: LITE });
      box.setAttribute("data-full-fps", fps.toFixed(2));
      results = 0;
      measured = false;
    }
    showModel();
  }

  function draw(lms) {
    var video = $("coach-web-video"), canvas = $("coach-web-skeleton");
    var w = video.videoWidth || 640, h = video.videoHeight || 480;
    if (canvas.width !== w) { canvas.width = w; canvas.height = h; }
    var ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, w, h);
    if (!lms) { return; }
    ctx.lineWidth = Math.max(2, w / 160);
    ctx.strokeStyle = "#39d98a";
    ctx.fillStyle = "#ffffff";
    BONES.forEach(function (b) {
      var a = lms[b[0]], c = lms[b[1]];
      if ((a.visibility || 0) < 0.5 || (c.visibility || 0) < 0.5) { return; }
      ctx.beginPath();
      ctx.moveTo(a.x * w, a.y * h);
      ctx.lineTo(c.x * w, c.y * h);
      ctx.stroke();
    });
    lms.forEach(function (p, i) {
      if (i > 0 && i < 11) { return; }  // the face's points crowd a small picture
      if ((p.visibility || 0) < 0.5) { return; }
      ctx.beginPath();
      ctx.arc(p.x * w, p.y * h, ctx.lineWidth, 0, 2 * Math.PI);
      ctx.fill();
    });
  }

  function onResults(r) {
    if (!on) { return; }
    var now = performance.now();
    stats.results += 1;
    measure(now);
    var lms = r.poseLandmarks || null;
    draw(lms);
    if (lms) {
      lastSeen = now;
      if (box.getAttribute("data-seen") === "no") { message("I can see you again."); }
      box.setAttribute("data-seen", "yes");
    } else if (now - lastSeen > AWAY_MS) {
      message("The camera cannot see you: step back until your head, hips and knees are in " +
        "the picture.");
      box.setAttribute("data-seen", "no");
    }
    box.setAttribute("data-frames", String(n + 1));
    sendFrame(lms, now);
  }

  function loop() {
    if (!on || !pose) { return; }
    var video = $("coach-web-video");
    if (busy || video.readyState < 2) { window.requestAnimationFrame(loop); return; }
    busy = true;
    pose.send({ image: video }).then(function () {
      busy = false;
      window.requestAnimationFrame(loop);
    }, function (err) {
      busy = false;
      fail("The pose model stopped (" + err + "); the session goes on without the coach.");
    });
  }

  /* ---- the server's coach ---- */

  function socketUrl() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + location.host + box.getAttribute("data-socket") +
      "?csrf=" + encodeURIComponent(box.getAttribute("data-csrf")) + "&run=" + run;
  }

  function playerIndex() {
    var k = parseInt(player.getAttribute("data-index") || "0", 10);
    return k >= 0 ? k : 0;
  }

  function startStretch() {
    if (!opened) { return; }
    var video = $("coach-web-video");
    var aspect = video.videoWidth && video.videoHeight ? video.videoWidth / video.videoHeight : 4 / 3;
    index = playerIndex();
    heard = {};
    socket.send(JSON.stringify({ type: "start", index: index, aspect: aspect }));
  }

  function sendFrame(lms, now) {
    if (!opened || socket.readyState !== 1) { return; }
    if (socket.bufferedAmount > 64 * 1024) { return; }  // a slow link: drop rather than queue
    n += 1;
    sent[n] = performance.now();
    stats.t = (now - t0) / 1000 / timescale;
    socket.send(JSON.stringify({ type: "frame", n: n, t: stats.t, landmarks: points(lms) }));
  }

  function points(lms) {
    return lms ? lms.map(function (p) {
      return [round(p.x), round(p.y), round(p.z || 0), round(p.visibility || 0)];
    }) : null;
  }

  function round(v) { return Math.round(v * 10000) / 10000; }

  function sayNew(s) {
    var voice = $("voice"), counts = s.warnings || {}, before = heard;
    heard = counts;
    Object.keys(SAY).forEach(function (kind) {
      if ((counts[kind] || 0) <= (before[kind] || 0)) { return; }
      var now = Date.now();
      if (said[kind] && now - said[kind] < SAY_EVERY) { return; }
      said[kind] = now;
      box.setAttribute("data-said", kind);
      if (voice && voice.checked && "speechSynthesis" in window) {
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(SAY[kind]));
      }
    });
  }

  function tooSeldom(s) {
    /* The model finds the body too seldom here for the coach to count (a slow device): no count
       rather than a wrong one, and the page says why. */
    box.setAttribute("data-counting", s.counting === false ? "no" : "yes");
    if (s.counting !== false) { return false; }
    $("coach-web-reps").textContent = "–";
    $("coach-web-badge-reps").textContent = "–";
    $("coach-web-hold").textContent = "–";
    message("This device finds your body about " + Math.round(s.rate * 10) / 10 +
      " times a second; counting needs " + s.min_rate + ", so the coach does not count " +
      "here. It still tells you when it cannot see you.");
    return true;
  }

  function show(s) {
    sayNew(s);
    if (!tooSeldom(s)) {
      $("coach-web-reps").textContent = String(s.reps);
      $("coach-web-badge-reps").textContent = String(s.reps);
      $("coach-web-hold").textContent = String(Math.round(s.hold_seconds));
    }
    if (s.events && s.events.length) { message(s.events[s.events.length - 1].message); }
    var list = $("coach-web-warnings");
    list.textContent = "";
    Object.keys(LABELS).forEach(function (kind) {
      var k = s.warnings[kind] || 0;
      if (!k) { return; }
      var li = document.createElement("li");
      li.setAttribute("data-kind", kind);
      li.textContent = LABELS[kind] + ": " + k;
      list.appendChild(li);
    });
    box.setAttribute("data-answers", String((parseInt(box.getAttribute("data-answers") || "0", 10)) + 1));
  }

  function connect() {
    return new Promise(function (resolve, reject) {
      socket = new WebSocket(socketUrl());
      socket.onopen = function () { opened = true; resolve(); };
      socket.onerror = function () { if (!opened) { reject(new Error("socket")); } };
      socket.onclose = function () {
        var was = opened;
        opened = false;
        if (was && on) { fail("The connection to easeback was lost; the session goes on without the coach."); }
      };
      socket.onmessage = function (e) {
        var s;
        try { s = JSON.parse(e.data); } catch (err) { return; }
        if (s.type === "status") {
          if (sent[s.n] !== undefined) {
            if (stats.rtt.length < 5000) { stats.rtt.push(performance.now() - sent[s.n]); }
            delete sent[s.n];
          }
          stats.rate = s.rate;
          stats.counting = s.counting;
          show(s);
        }
        else if (s.type === "started") { box.setAttribute("data-technique", s.technique); }
        else if (s.type === "error") { box.setAttribute("data-error", s.message); }
      };
    });
  }

  /* ---- on and off ---- */

  function fail(text) {
    switchOff();
    $("coach-web-on").checked = false;
    notice(text);
    setState("error");
  }

  function dock() {
    /* The camera's picture sits in a corner of the technique's picture: beside what to do, never
       over the cue, the countdown or Stop. */
    var wrap = player.querySelector(".figure-wrap"), pip = $("coach-web-pip");
    if (wrap && pip.parentNode !== wrap) { wrap.appendChild(pip); }
  }

  function switchOn() {
    on = true;
    dock();
    notice("");
    setState("starting");
    $("coach-web-live").hidden = false;
    $("coach-web-pip").hidden = false;
    message("Starting the camera…");
    fetch(BASE + "ready.json", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (ready) {
        if (!ready.ready) {
          var e = new Error("missing");
          e.fetch = ready.fetch;
          throw e;
        }
        return openCamera();
      })
      .then(function (s) {
        stream = s;
        if (!on) { stopTracks(); return null; }
        var video = $("coach-web-video");
        video.srcObject = s;
        return video.play();
      })
      .then(function () { return on ? loadScript() : null; })
      .then(function () { return on ? connect() : null; })
      .then(function () {
        if (!on) { return; }
        pose = newPose(model);
        pose.onResults(onResults);
        t0 = performance.now();
        lastSeen = t0;
        startStretch();
        setState("on");
        /* the switch is below the player: bring the countdown back into view, with the picture
           in its corner above Stop */
        $("countdown").scrollIntoView({ block: "center" });
        message("Loading the pose model…");
        showModel();
        loop();
      })
      .catch(function (err) {
        if (!on) { return; }
        if (err && err.message === "missing") {
          fail("The camera coach in this page needs its pose model, fetched once: run " +
            err.fetch + " on the computer running easeback, then start easeback again. " +
            "The session goes on without the coach.");
        } else if (err && err.message === "socket") {
          fail("easeback could not be reached, so the coach is off; the session goes on " +
            "without it.");
        } else if (err && err.name === "Insecure") {
          fail("This browser lets a page use the camera only over HTTPS or on the computer " +
            "running easeback itself, so the coach is off; the session goes on without it.");
        } else if (err && err.name && err.name !== "Error") {  // the camera's own errors
          fail(cameraSentence(err));
        } else {
          fail("The camera coach could not start (" + (err && err.message || err) + "); the " +
            "session goes on without it.");
        }
      });
  }

  function stopTracks() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
  }

  function switchOff() {
    if (!on) { return; }
    on = false;
    if (socket) {
      if (opened) { socket.send(JSON.stringify({ type: "stop" })); }
      socket.close();
    }
    socket = null;
    opened = false;
    stopTracks();
    if (pose) { Promise.resolve(pose.close()).catch(function () { /* already gone */ }); }
    pose = null;
    busy = false;
    $("coach-web-video").srcObject = null;
    $("coach-web-live").hidden = true;
    $("coach-web-pip").hidden = true;
    setState("off");
  }

  $("coach-web-on").addEventListener("change", function (e) {
    if (e.target.checked) { switchOn(); } else { switchOff(); }
  });
  new MutationObserver(function () {
    var state = player.getAttribute("data-state");
    if (state === "stopped" || state === "done") {
      switchOff();
      $("coach-web-on").checked = false;
    } else if (on && playerIndex() !== index) {
      startStretch();  // the player moved to the next technique: its own count
    }
  }).observe(player, { attributes: true, attributeFilter: ["data-index", "data-state"] });
  window.addEventListener("pagehide", switchOff);
})();
