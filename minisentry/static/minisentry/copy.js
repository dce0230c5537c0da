// Progressive enhancement only: "Copy" buttons beside the event id, the permalink and the traceback.
// Without this script they stay hidden; the id is selectable text, the permalink an ordinary link and
// the traceback a <pre> in a <details>.
(() => {
  const copied = (button) => {
    const label = button.textContent;
    button.textContent = button.dataset.done || "Copied";
    setTimeout(() => { button.textContent = label; }, 2000);
  };
  const fallback = (text) => {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  };
  const copy = (button) => {
    const link = button.dataset.copyHref ? document.querySelector(button.dataset.copyHref) : null;
    const block = button.dataset.copyFrom ? document.querySelector(button.dataset.copyFrom) : null;
    const text = link ? link.href : block ? block.textContent : button.dataset.copy;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(() => copied(button), () => fallback(text) && copied(button));
    } else if (fallback(text)) {
      copied(button);
    }
  };
  const enable = () => {
    for (const button of document.querySelectorAll("button.ms-copy[hidden]")) {
      button.hidden = false;
      button.addEventListener("click", () => copy(button));
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enable);
  } else {
    enable();
  }
})();
