/* Desk-break countdown. The time left is computed from performance.now() against one start
   time, so a background tab whose timers are throttled never drifts; it only shows the banner a
   little later. When due: a visible banner, a soft tone and a notification where allowed. */
(function () {
  "use strict";
  var root = document.getElementById("desk-timer");
  if (!root) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var every = parseInt(root.getAttribute("data-every"), 10) || 30;
  var speed = parseFloat(root.getAttribute("data-speed")) || 1;
  var period = every * 60;  // seconds of sitting between breaks
  var started = performance.now(), audio = null, due = false;

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function tone() {
    if (!audio) { return; }
    var t = audio.currentTime, osc = audio.createOscillator(), gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = 440;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.8);
    osc.connect(gain);
    gain.connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.85);
  }

  function notify() {
    if (!("Notification" in window) || Notification.permission !== "granted") { return; }
    try {
      var n = new Notification("Time for a desk break", {
        body: "You have been sitting for " + every + " minutes. A short chair routine helps.",
        tag: "easeback-desk-break"
      });
      n.onclick = function () { window.focus(); n.close(); };
    } catch (e) { /* some browsers allow notifications only from a service worker */ }
  }

  function showDue() {
    due = true;
    root.setAttribute("data-state", "due");
    $("desk-due").hidden = false;
    $("desk-countdown").textContent = "now";
    tone();
    notify();
  }

  function tick() {
    if (due) { return; }
    var left = period - (performance.now() - started) / 1000 * speed;
    if (left <= 0) { showDue(); return; }
    $("desk-countdown").textContent = clock(left);
  }

  $("desk-again").addEventListener("click", function () {
    due = false;
    started = performance.now();
    $("desk-due").hidden = true;
    root.setAttribute("data-state", "counting");
    tick();
  });

  $("desk-alerts").addEventListener("click", function () {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !audio) { audio = new Ctx(); }  // a click is what lets a page play sound
    var state = $("desk-alerts-state");
    if (!("Notification" in window)) {
      state.textContent = "Sound on. This browser cannot show notifications.";
      return;
    }
    Notification.requestPermission().then(function (p) {
      state.textContent = p === "granted" ? "Sound and notifications on." :
        "Sound on. Notifications are blocked; the banner here still appears.";
    });
  });

  root.setAttribute("data-state", "counting");
  tick();
  setInterval(tick, 250);
})();
