// Make the whole title of a dropdown (e.g. "Solution to Exercise 1.1") open and close it.
// sphinx-togglebutton listens on the title, but a click on an element inside the title (the
// link to the exercise that sphinx-exercise puts there) reaches its handler with a target it
// does not know: the browser logs "button is not defined" and nothing opens. This listener
// runs first (capture phase) and turns such a click into a click on the toggle button.
document.addEventListener("click", (event) => {
  const title = event.target.closest(".admonition.toggle > .admonition-title");
  if (!title || event.target === title || event.target.closest(".toggle-button")) {
    return;
  }
  const button = title.querySelector(".toggle-button");
  if (!button) {
    return;
  }
  event.preventDefault();
  event.stopPropagation();
  button.click();
}, true);
