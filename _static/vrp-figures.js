/* Chapter figures open full size on tap (tools/vrp_offline.py, item 8).
 *
 * On a phone a two-panel figure shrinks to the width of the screen, with labels of a few
 * pixels. Each figure's image becomes a link to the image file itself: a tap (or Tab and
 * Enter) opens the PNG on its own, where the browser's own zoom works; Back returns to the
 * page. Offline: the image is a file of the book. On narrow screens a line under the image
 * says so. */
(function () {
  "use strict";
  function wrapFigures() {
    var images = document.querySelectorAll(".bd-content figure img");
    images.forEach(function (img) {
      if (img.closest("a")) return;           // already a link
      var link = document.createElement("a");
      link.href = img.currentSrc || img.src;
      link.className = "vrp-figure-open";
      link.title = "Open the figure full size";
      img.parentNode.insertBefore(link, img);
      link.appendChild(img);
      var hint = document.createElement("p");
      hint.className = "vrp-figure-hint";
      hint.textContent = "Tap the figure to open it full size.";
      link.insertAdjacentElement("afterend", hint);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wrapFigures);
  } else {
    wrapFigures();
  }
})();
