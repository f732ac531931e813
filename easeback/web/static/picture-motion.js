/* Moving pictures outside the player (<img> of an animated SVG, which no script can pause) get
   a pause control (WCAG 2.2.2): pausing shows the still end pose instead. Under
   prefers-reduced-motion they start still. */
(function () {
  "use strict";
  var imgs = document.querySelectorAll('figure.picture img[src^="/pictures/"]');
  if (!imgs.length) { return; }
  var reduce = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  Array.prototype.forEach.call(imgs, function (img) {
    var moving = img.getAttribute("src");
    if (moving.indexOf("?") >= 0) { return; }  // already a still pose
    var still = moving + "?pose=end";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary picture-motion";
    function show(paused) {
      img.setAttribute("src", paused ? still : moving);
      button.setAttribute("aria-pressed", paused ? "true" : "false");
      button.textContent = paused ? "Play the picture" : "Pause the picture";
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-pressed") !== "true");
    });
    img.parentNode.insertBefore(button, img.nextSibling);
    show(!!(reduce && reduce.matches));
  });
})();
