// A Jalali calendar under date boxes marked data-jalali-picker (the reports' dates in Persian).
// The box stays a text box people can type into (year/month/day); the calendar only helps.
// Jalali dates come from the browser's own Persian calendar (Intl, "fa-IR-u-ca-persian").
(() => {
  const parts = new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", {
    year: "numeric", month: "numeric", day: "numeric", timeZone: "UTC",
  });
  const monthName = new Intl.DateTimeFormat("fa-IR-u-ca-persian", { month: "long", timeZone: "UTC" });
  const DAY = 86400000;
  const toPersian = (text) => String(text).replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
  const toLatin = (text) => String(text).replace(/[۰-۹]/g, (d) => "۰۱۲۳۴۵۶۷۸۹".indexOf(d));
  const pad = (n) => String(n).padStart(2, "0");

  function jalali(time) {
    const found = {};
    for (const p of parts.formatToParts(new Date(time))) found[p.type] = parseInt(p.value, 10);
    return { y: found.year, m: found.month, d: found.day };
  }

  // The UTC midnight of the first day of Jalali month y/m (1 Farvardin falls on March 20 or 21).
  function monthStart(y, m) {
    let time = Date.UTC(y + 621, 2, 21) + (m - 1) * 30.4 * DAY;
    time -= time % DAY;
    for (let i = 0; i < 40; i += 1) {
      const j = jalali(time);
      if (j.y === y && j.m === m && j.d === 1) return time;
      time += (j.y < y || (j.y === y && j.m < m) ? 1 : -1) * DAY;
    }
    return time;
  }

  function typed(input) {
    const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(toLatin(input.value.trim()));
    return match ? { y: +match[1], m: +match[2], d: +match[3] } : jalali(Date.now());
  }

  function render(box, input, y, m) {
    const start = monthStart(y, m);
    const next = m === 12 ? monthStart(y + 1, 1) : monthStart(y, m + 1);
    const chosen = typed(input);
    box.replaceChildren();
    const head = document.createElement("div");
    head.className = "jp-head";
    const button = (label, text, onClick) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "jp-nav";
      b.setAttribute("aria-label", label);
      b.textContent = text;
      b.addEventListener("click", onClick);
      return b;
    };
    const title = document.createElement("span");
    title.textContent = `${monthName.format(new Date(start))} ${toPersian(y)}`;
    head.append(
      button("ماه پیش", "›", () => render(box, input, m === 1 ? y - 1 : y, m === 1 ? 12 : m - 1)),
      title,
      button("ماه بعد", "‹", () => render(box, input, m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1)),
    );
    const grid = document.createElement("div");
    grid.className = "jp-grid";
    for (const name of ["ش", "ی", "د", "س", "چ", "پ", "ج"]) {
      const cell = document.createElement("span");
      cell.className = "jp-weekday";
      cell.textContent = name;
      grid.append(cell);
    }
    const offset = (new Date(start).getUTCDay() + 1) % 7; // Saturday first
    for (let i = 0; i < offset; i += 1) grid.append(document.createElement("span"));
    for (let time = start, d = 1; time < next; time += DAY, d += 1) {
      const day = document.createElement("button");
      day.type = "button";
      day.className = "jp-day";
      if (chosen.y === y && chosen.m === m && chosen.d === d) day.setAttribute("aria-pressed", "true");
      day.textContent = toPersian(d);
      const value = toPersian(`${y}/${pad(m)}/${pad(d)}`);
      day.addEventListener("click", () => {
        input.value = value;
        box.hidden = true;
        input.focus();
      });
      grid.append(day);
    }
    box.append(head, grid);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const input of document.querySelectorAll("input[data-jalali-picker]")) {
      const box = document.createElement("div");
      box.className = "jalali-picker";
      box.hidden = true;
      input.after(box);
      input.parentElement.classList.add("jp-anchor");
      const open = () => {
        const j = typed(input);
        render(box, input, j.y, j.m);
        box.hidden = false;
      };
      input.addEventListener("focus", open);
      input.addEventListener("click", open);
      input.addEventListener("keydown", (event) => {
        if (event.key === "Escape") box.hidden = true;
      });
      document.addEventListener("click", (event) => {
        if (!box.hidden && event.target !== input && !box.contains(event.target)) box.hidden = true;
      });
    }
  });
})();
