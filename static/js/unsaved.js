// Warns before leaving a page whose form has changes not yet saved. The page works without it:
// it only adds the browser's "leave site?" question and a line saying there are unsaved changes.
const forms = document.querySelectorAll("form[data-warn-unsaved]");

function snapshot(form) {
  return new URLSearchParams(new FormData(form)).toString();
}

forms.forEach((form) => {
  const saved = snapshot(form);
  const notice = form.querySelector("[data-unsaved-notice]");
  let leaving = false;

  const changed = () => !leaving && snapshot(form) !== saved;
  const update = () => {
    if (notice) {
      notice.textContent = changed() ? "You have changes that are not saved yet." : "";
    }
  };

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  // Sending the form is how changes get saved: no warning for that.
  form.addEventListener("submit", () => {
    leaving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (changed()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
