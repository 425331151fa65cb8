// Navigation fixes for sphinx-book-theme 1.3.0 + pydata-sphinx-theme 0.17.1, loaded on every
// page by tools/vrp_offline.py (the template there removes the empty top bar).
//
// 1. Contents button at laptop width: from 1200 px the page contents sit in a column on the
//    right and the theme hides its button; here the button stays and folds that column away
//    (class vrp-toc-hidden), like the menu button folds the left sidebar.
// 2. The menu and contents buttons say whether their panel is open (aria-expanded) and what
//    they control (aria-controls), for screen readers and for the browser test.
(() => {
  const ready = fn => (document.readyState !== "loading" ? fn()
    : document.addEventListener("DOMContentLoaded", fn));
  const WIDE_TOC = "(min-width: 1200px)";
  const WIDE_MENU = "(min-width: 992px)";

  ready(() => {
    const menuButton = document.querySelector(".bd-header-article .primary-toggle");
    const tocButton = document.querySelector(".bd-header-article .secondary-toggle");
    const menu = document.getElementById("pst-primary-sidebar");
    const toc = document.getElementById("pst-secondary-sidebar");
    const menuModal = document.getElementById("pst-primary-sidebar-modal");
    const tocModal = document.getElementById("pst-secondary-sidebar-modal");

    const open = (panel, modal, wideQuery, hiddenClass) =>
      window.matchMedia(wideQuery).matches ? !panel.classList.contains(hiddenClass)
        : Boolean(modal && modal.open);
    const sync = () => {
      if (menuButton && menu) {
        menuButton.setAttribute("aria-controls", "pst-primary-sidebar");
        menuButton.setAttribute("aria-expanded",
          String(open(menu, menuModal, WIDE_MENU, "pst-sidebar-hidden")));
      }
      if (tocButton && toc) {
        tocButton.setAttribute("aria-controls", "pst-secondary-sidebar");
        tocButton.setAttribute("aria-expanded",
          String(open(toc, tocModal, WIDE_TOC, "vrp-toc-hidden")));
      }
    };

    if (tocButton && toc) {
      // Capture phase: runs before the theme's handler, which would open a modal drawer.
      tocButton.addEventListener("click", event => {
        if (!window.matchMedia(WIDE_TOC).matches) return;
        event.preventDefault();
        event.stopImmediatePropagation();
        toc.classList.toggle("vrp-toc-hidden");
        sync();
      }, true);
    }
    // The themes' own handlers change the state (some stop the click's propagation):
    // watch the panels and the drawers themselves.
    const observer = new MutationObserver(sync);
    for (const node of [menu, toc, menuModal, tocModal]) {
      if (node) observer.observe(node, {attributes: true, attributeFilter: ["class", "open"]});
    }
    window.matchMedia(WIDE_TOC).addEventListener("change", sync);
    window.matchMedia(WIDE_MENU).addEventListener("change", sync);
    sync();
  });
})();
