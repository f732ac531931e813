/* Moving pictures outside the player get a pause control (WCAG 2.2.2). An <img> cannot be
   paused, so each animated picture is put into the page (inline-svg.js) with a button that
   pauses and plays its animation; under prefers-reduced-motion it starts paused on its first
   (starting) pose. If anything fails the <img> simply stays. */
(function () {
  "use strict";
  if (!window.easebackSvg || !window.fetch) { return; }
  var reduce = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  var imgs = document.querySelectorAll('figure.picture img[src^="/pictures/"]');
  Array.prototype.forEach.call(imgs, function (img) {
    var url = img.getAttribute("src");
    if (url.indexOf("?") >= 0) { return; }  // a still pose: nothing moves
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (text) {
        var svg = text ? window.easebackSvg.inline(text) : null;
        if (!svg || typeof svg.pauseAnimations !== "function" || !svg.querySelector("animate")) {
          return;
        }
        var box = document.createElement("div");
        box.className = "inline-figure picture-inline";
        box.appendChild(svg);
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary picture-motion";
        function show(paused) {
          if (paused) { svg.pauseAnimations(); } else { svg.unpauseAnimations(); }
          button.setAttribute("aria-pressed", paused ? "true" : "false");
          button.textContent = paused ? "Play the picture" : "Pause the picture";
        }
        button.addEventListener("click", function () {
          show(button.getAttribute("aria-pressed") !== "true");
        });
        img.parentNode.replaceChild(box, img);
        box.parentNode.insertBefore(button, box.nextSibling);
        if (reduce && reduce.matches) { svg.setCurrentTime(0); show(true); } else { show(false); }
        if (reduce && reduce.addEventListener) {
          reduce.addEventListener("change", function (e) { if (e.matches) { show(true); } });
        }
      })
      .catch(function () { /* the <img> stays */ });
  });
})();
