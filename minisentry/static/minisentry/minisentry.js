// Progressive enhancement only: the issue list's "select all" checkbox.
document.addEventListener("change", (event) => {
  if (event.target.matches(".ms-select-all")) {
    for (const box of event.target.form.querySelectorAll("input.action-select")) {
      box.checked = event.target.checked;
    }
  }
});
