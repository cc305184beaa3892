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

// Numbers typed on a Persian or Arabic keyboard ("۱۲٫۵", "١٢٬٠٠٠") become the Latin form the server and
// other systems read ("12.5", "12000") as they are typed (number boxes: templates/django/forms/widgets/number.html).
const LOCAL_DIGITS = /[\u06F0-\u06F9\u0660-\u0669]/g;
function latinNumber(text) {
  return text
    .replace(LOCAL_DIGITS, (d) => String(d.charCodeAt(0) & 0xf))
    .replace(/\u066B/g, ".")
    .replace(/[\u066C\u060C]/g, "");
}
document.addEventListener("input", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !["numeric", "decimal"].includes(box.inputMode)) return;
  const latin = latinNumber(box.value);
  if (latin !== box.value) box.value = latin;
});
