// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// Phone: the top navigation folds behind a menu button (without JavaScript it simply wraps).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-menu-toggle]");
  const bar = toggle && toggle.closest(".topbar");
  if (bar) {
    toggle.hidden = false;
    bar.classList.add("menu-ready");
    toggle.addEventListener("click", () => {
      const open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // A list's active tab stays in view when the tabs scroll sideways on a narrow screen.
  const tab = document.querySelector(".tabs [aria-current='page']");
  if (tab) tab.scrollIntoView({ block: "nearest", inline: "nearest" });
});
