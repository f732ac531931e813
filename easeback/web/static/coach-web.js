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

  var on = false, tracker = null, stream = null, socket = null, opened = false;
  /* ?pose-model=lite or full pins the model (bench/coach-web measures each); otherwise full,
     and lite when full is too slow here */
  var pinned = (/[?&]pose-model=(lite|full)/.exec(location.search) || [])[1] || null;
  /* ?pose-rescue=off: the whole-picture model alone, without following the person in a crop */
  var rescueOn = !/[?&]pose-rescue=off/.test(location.search);
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

  function newPose(complexity, confidence) {
    /* global Pose */
    var p = new window.Pose({ locateFile: function (file) { return BASE + file; } });
    p.setOptions({
      modelComplexity: complexity, smoothLandmarks: true, enableSegmentation: false,
      minDetectionConfidence: confidence || 0.5, minTrackingConfidence: confidence || 0.5
    });
    return p;
  }

  /* ---- following the person: the server's own rescue (easeback.pose.landmarks.Detector) ----
     When the whole-picture model loses the person (a small or distant one, or another person
     taking the model's eye), a second model looks inside a crop around where they last were and,
     once it finds them, follows them alone, with a whole-picture try every REFRESH frames; a
     crop's pose that does not look like a body seen in it (a ghost) is dropped and the crop
     model forgets it. When no one has been seen for a while, parts of the picture are searched
     in place of the whole. The rules and their numbers come from the server (ready.json), the
     same the server's coach --video follows, in the same order, so that both follow the same
     person; rescue=false is the whole-picture model alone (bench/coach-web compares the two). */

  function bounds(lms) {
    /* the bounds of the clearly seen landmarks (all of them if none is) */
    var pts = lms.filter(function (p) { return (p.visibility || 0) >= 0.5; });
    if (!pts.length) { pts = lms; }
    var xs = pts.map(function (p) { return p.x; }), ys = pts.map(function (p) { return p.y; });
    return [Math.min.apply(null, xs), Math.min.apply(null, ys),
      Math.max.apply(null, xs), Math.max.apply(null, ys)];
  }

  function cropOf(rules, b, w, h) {
    /* pixels [left, top, right, bottom] of the crop around a box (normalised) */
    var side = Math.max((b[2] - b[0]) * w, (b[3] - b[1]) * h) * rules.roi_margin;
    side = Math.min(Math.max(side, rules.min_crop), Math.max(w, h));
    var cx = (b[0] + b[2]) / 2 * w, cy = (b[1] + b[3]) / 2 * h;
    var left = Math.floor(Math.min(Math.max(cx - side / 2, 0), Math.max(w - side, 0)));
    var top = Math.floor(Math.min(Math.max(cy - side / 2, 0), Math.max(h - side, 0)));
    return [left, top, Math.floor(Math.min(left + side, w)), Math.floor(Math.min(top + side, h))];
  }

  function moved(old, now) {
    /* a crop moves only when the person drifted a quarter of it or it should grow or shrink
       by a quarter */
    var sizeOld = old[2] - old[0], sizeNew = now[2] - now[0];
    var shift = Math.max(Math.abs(now[0] - old[0]), Math.abs(now[1] - old[1]));
    return shift > sizeOld / 4 || Math.abs(sizeNew - sizeOld) > sizeOld / 4;
  }

  function plausible(rules, lms) {
    /* a crop's pose (in the crop's coordinates) looks like a body seen in it: both shoulders
       clearly seen, the clearly seen points within the crop and spanning BODY_IN_CROP of it */
    if ((lms[11].visibility || 0) < 0.5 || (lms[12].visibility || 0) < 0.5) { return false; }
    var pts = lms.slice(0, 33).filter(function (p) { return (p.visibility || 0) >= 0.5; });
    var xs = pts.map(function (p) { return p.x; }), ys = pts.map(function (p) { return p.y; });
    var e = rules.edge;
    var x0 = Math.min.apply(null, xs), y0 = Math.min.apply(null, ys);
    var x1 = Math.max.apply(null, xs), y1 = Math.max.apply(null, ys);
    if (x0 < -e || y0 < -e || x1 > 1 + e || y1 > 1 + e) { return false; }
    return Math.max(x1 - x0, y1 - y0) >= rules.body_in_crop;
  }

  function toFrame(lms, crop, w, h) {
    /* landmarks found in a crop, in the whole picture's normalised coordinates */
    var cw = crop[2] - crop[0], ch = crop[3] - crop[1];
    return lms.slice(0, 33).map(function (p) {
      return { x: (crop[0] + p.x * cw) / w, y: (crop[1] + p.y * ch) / h, z: (p.z || 0) * cw / w,
        visibility: p.visibility || 0 };
    });
  }

  function runner(pose) {
    /* one model call: a promise of its landmarks (null when it finds no one) */
    var last, lastTs = -Infinity;
    pose.onResults(function (r) { last = r; });
    return function (image, ts) {
      /* a model's times must go up: a second call in the same frame comes 1 ms later */
      var when = ts === undefined ? performance.now() : ts;
      if (when <= lastTs) { when = lastTs + 1; }
      lastTs = when;
      last = undefined;
      return pose.send({ image: image }, when).then(function () {
        return last && last.poseLandmarks ? last.poseLandmarks : null;
      });
    };
  }

  function Tracker(complexity, rules, rescue, options) {
    var t = this;
    t.rules = rules;
    t.rescue = rescue && !!rules;
    t.complexity = complexity;
    t.whole = newPose(complexity);
    if (options) { t.whole.setOptions(options); }
    t.runWhole = runner(t.whole);
    t.cropPose = null;
    t.searchPose = null;
    t.canvas = document.createElement("canvas");
    t.roi = null; t.crop = null; t.lost = 0; t.frame = 0; t.inCropNow = false; t.following = 0;
    t.pausedUntil = 0; t.source = 0;
    /* what it did, for bench/coach-web: model calls by kind, ghosts dropped, frames by source */
    t.calls = { whole: 0, crop: 0, search: 0, reset: 0 };
    t.sources = [0, 0, 0, 0];
    t.rejected = 0;
  }

  Tracker.prototype.setComplexity = function (c) {
    this.complexity = c;
    [this.whole, this.cropPose, this.searchPose].forEach(function (p) {
      if (p) { p.setOptions({ modelComplexity: c }); }
    });
  };

  Tracker.prototype.close = function () {
    [this.whole, this.cropPose, this.searchPose].forEach(function (p) {
      if (p) { Promise.resolve(p.close()).catch(function () { /* already gone */ }); }
    });
  };

  Tracker.prototype.cut = function (image, crop) {
    /* the crop drawn to a canvas of its own size: the model sees it at the picture's pixels */
    var c = this.canvas, cw = crop[2] - crop[0], ch = crop[3] - crop[1];
    if (c.width !== cw || c.height !== ch) { c.width = cw; c.height = ch; }
    c.getContext("2d").drawImage(image, crop[0], crop[1], cw, ch, 0, 0, cw, ch);
    return c;
  };

  /* The person's landmarks in this picture (w x h pixels), in its normalised coordinates, or
     null: the order of decisions is Detector.detect's. */
  Tracker.prototype.detect = function (image, w, h, ts) {
    var t = this, R = t.rules;
    t.frame += 1;
    var done = function (found, source) {
      t.source = found ? source : 0;
      t.sources[t.source] += 1;
      return found;
    };
    var wholeThenCrop = function () {
      return t.wholeRun(image, ts).then(function (found) {
        if (found || !t.rescue) { return done(found, 1); }
        t.lost += 1;
        if (t.roi && t.lost <= R.roi_keep && t.frame >= t.pausedUntil) {
          return t.inCrop(image, w, h, ts).then(function (got) {
            if (got) { t.follow(); }
            return done(got, 2);
          });
        }
        return done(null, 0);
      });
    };
    if (t.inCropNow) {
      t.following += 1;
      var first = t.following % R.refresh === 0 ? t.wholeRun(image, ts) : Promise.resolve(null);
      return first.then(function (found) {
        if (found) { t.inCropNow = false; return done(found, 1); }
        return t.inCrop(image, w, h, ts).then(function (got) {
          if (got) { return done(got, 2); }
          t.inCropNow = false;  // lost in the crop too: the whole picture again
          return wholeThenCrop();
        });
      });
    }
    var tiles = R ? R.search_tiles : [];
    if (t.rescue && t.lost > R.roi_keep && t.frame % R.search_every < tiles.length) {
      return t.search(image, w, h, tiles[t.frame % R.search_every], ts).then(function (found) {
        if (found) { t.follow(); }
        return done(found, 3);
      });
    }
    return wholeThenCrop();
  };

  Tracker.prototype.wholeRun = function (image, ts) {
    var t = this;
    t.calls.whole += 1;
    return t.runWhole(image, ts).then(function (lms) {
      if (!lms) { return null; }
      t.lost = 0;
      t.roi = bounds(lms);
      return lms;
    });
  };

  Tracker.prototype.follow = function () {
    this.lost = 0; this.inCropNow = true; this.following = 0;
  };

  Tracker.prototype.inCrop = function (image, w, h, ts) {
    var t = this, R = t.rules;
    var want = cropOf(R, t.roi, w, h);
    if (!t.crop || moved(t.crop, want)) { t.crop = want; }  // a steady crop lets it track
    var crop = t.crop;
    if (!t.cropPose) {
      t.cropPose = newPose(t.complexity, R.rescue_confidence);
      t.runCrop = runner(t.cropPose);
    }
    t.calls.crop += 1;
    return t.runCrop(t.cut(image, crop), ts).then(function (lms) {
      if (!lms) { return null; }
      if (!plausible(R, lms)) {  // a ghost: forget it, and leave the crop alone a moment
        t.rejected += 1;
        t.pausedUntil = t.frame + R.pause;
        t.calls.reset += 1;
        t.cropPose.reset();
        return null;
      }
      var found = toFrame(lms, crop, w, h);
      t.roi = bounds(found);
      return found;
    });
  };

  Tracker.prototype.search = function (image, w, h, part, ts) {
    /* one part of the picture looked at afresh: the web model has no still-picture mode, so
       its tracking is reset before each look */
    var t = this, R = t.rules;
    if (!t.searchPose) {
      t.searchPose = newPose(t.complexity, R.rescue_confidence);
      t.runSearch = runner(t.searchPose);
    }
    var crop = [Math.floor(part[0] * w), Math.floor(part[1] * h),
      Math.floor(part[2] * w), Math.floor(part[3] * h)];
    t.calls.search += 1;
    t.searchPose.reset();
    return t.runSearch(t.cut(image, crop), ts).then(function (lms) {
      if (!lms || !plausible(R, lms)) { return null; }
      var found = toFrame(lms, crop, w, h);
      t.roi = bounds(found);
      t.crop = null;
      return found;
    });
  };

  var config = null;  // ready.json: whether the model files are there, and the rescue's rules
  function loadConfig() {
    if (!config) {
      config = fetch(BASE + "ready.json", { credentials: "same-origin" })
        .then(function (r) { return r.json(); });
      config.catch(function () { config = null; });  // asked again next time
    }
    return config;
  }

  /* the page's own pose set-up and landmark message, for bench/coach-web's harness, which runs
     the model over every frame of a clip (rescue false: the whole-picture model alone) */
  stats.newPose = function (name, options) {
    return loadScript().then(function () {
      var p = newPose(name === "lite" ? LITE : FULL);
      if (options) { p.setOptions(options); }
      return p;
    });
  };
  stats.newTracker = function (name, options, rescue) {
    return Promise.all([loadConfig(), loadScript()]).then(function (got) {
      return new Tracker(name === "lite" ? LITE : FULL, got[0].rescue, rescue !== false, options);
    });
  };
  stats.points = points;
  /* the tracker and its geometry, for the test that checks them against the server's */
  stats.Tracker = Tracker;
  stats.geometry = { bounds: bounds, cropOf: cropOf, moved: moved, plausible: plausible,
    toFrame: toFrame };

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
      tracker.setComplexity(LITE);
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

  function onResults(lms) {
    if (!on) { return; }
    var now = performance.now();
    stats.results += 1;
    stats.sources = tracker.sources;
    stats.calls = tracker.calls;
    measure(now);
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
    if (!on || !tracker) { return; }
    var video = $("coach-web-video");
    if (busy || video.readyState < 2) { window.requestAnimationFrame(loop); return; }
    busy = true;
    var mine = tracker;
    mine.detect(video, video.videoWidth, video.videoHeight).then(function (lms) {
      busy = false;
      if (mine !== tracker) { return; }  // switched off meanwhile
      onResults(lms);
      window.requestAnimationFrame(loop);
    }, function (err) {
      busy = false;
      if (mine !== tracker) { return; }
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
    var rate = Math.round(s.rate * 10) / 10;
    message("This device finds your body about " + (rate === 1 ? "once" : rate + " times") +
      " a second and counting needs " + s.min_rate + ", so the coach does not count " +
      "here but still tells you when it cannot see you.");
    return true;
  }

  function show(s) {
    sayNew(s);
    if (!tooSeldom(s)) {
      $("coach-web-reps").textContent = String(s.reps);
      $("coach-web-badge-reps").textContent = String(s.reps);
      $("coach-web-hold").textContent = Math.round(s.hold_seconds) + " s";
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
    var rules = null;
    loadConfig()
      .then(function (ready) {
        rules = ready.rescue;
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
        tracker = new Tracker(model, rules, rescueOn);
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
    if (tracker) { tracker.close(); }
    tracker = null;
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
