// The main navigation collapses behind a Menu button on a narrow screen. Without this script the
// links simply wrap, so every page stays usable. It runs in the page's head, before the header
// is drawn, so that the header is folded from the first frame (drawn open, then folded, it moved
// every page's content up by 110 px as it loaded); the button is wired once the page is parsed.
(function () {
  "use strict";
  document.documentElement.classList.add("js-nav");
  function wire() {
    var button = document.querySelector(".menu-toggle");
    var nav = document.getElementById("main-nav");
    if (!button || !nav) {
      document.documentElement.classList.remove("js-nav");
      return;
    }
    button.hidden = false;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && nav.classList.contains("open")) { set(false); button.focus(); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
