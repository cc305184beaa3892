// A Jalali date picker for the date boxes of Persian pages (<input data-calendar="jalali">, drawn by
// helpdesk/calendar_dates.py). The box stays a text box people can type in ("۱۴۰۴/۰۱/۰۱"); the button
// beside it opens a month grid. The calendar arithmetic is the browser's own (Intl's Persian calendar):
// nothing here converts dates by hand, so it is right wherever the browser is.
(() => {
  const DAY = 86400000;
  const parts = new Intl.DateTimeFormat("en-u-ca-persian-nu-latn", {
    year: "numeric",
    month: "numeric",
    day: "numeric",
    timeZone: "UTC",
  });
  const monthName = new Intl.DateTimeFormat("fa-u-ca-persian", { month: "long", timeZone: "UTC" });
  const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  const WEEKDAYS = ["ش", "ی", "د", "س", "چ", "پ", "ج"]; // Saturday first, as the Persian week runs

  const persian = (n, width = 1) => String(n).padStart(width, "0").replace(/[0-9]/g, (d) => PERSIAN_DIGITS[d]);
  const latin = (text) => text.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) & 0xf));

  // The Jalali year, month and day of a UTC midnight.
  function jalali(time) {
    const found = {};
    for (const part of parts.formatToParts(new Date(time))) found[part.type] = Number(part.value);
    return { y: found.year, m: found.month, d: found.day };
  }

  // Day of the Jalali year: the first six months have 31 days, the next five 30, the last 29 or 30.
  const dayOfYear = (m, d) => (m <= 7 ? (m - 1) * 31 : 186 + (m - 7) * 30) + d;

  // The UTC midnight of a Jalali date: start near it and step by the difference until it is exact.
  function gregorian(y, m, d) {
    let time = Date.UTC(y + 621, 2, 20) + (dayOfYear(m, d) - 1) * DAY;
    for (let i = 0; i < 8; i += 1) {
      const at = jalali(time);
      if (at.y === y && at.m === m && at.d === d) return time;
      let off = (y - at.y) * 365 + dayOfYear(m, d) - dayOfYear(at.m, at.d);
      if (off === 0) off = y > at.y ? 1 : -1; // across a leap year's 366th day
      time += off * DAY;
    }
    return time;
  }

  // The reader's time zone as the server knows it (their profile's, the zone the page's times are in,
  // which the admin clock's "Now" also keeps): the script tag's data-time-zone. The browser's own zone
  // may be another (a laptop left on UTC in Tehran), and near midnight its day is another day.
  const zone = (document.currentScript && document.currentScript.dataset.timeZone) || undefined;
  const dayParts = (() => {
    const options = { year: "numeric", month: "numeric", day: "numeric" };
    try {
      return new Intl.DateTimeFormat("en-u-ca-gregory-nu-latn", { ...options, timeZone: zone });
    } catch (error) {
      return new Intl.DateTimeFormat("en-u-ca-gregory-nu-latn", options); // an unknown zone: the browser's
    }
  })();

  // Today in the reader's time zone, as a UTC midnight: at 01:30 in Tehran on 1 Farvardin it is still
  // the last day of Esfand in UTC.
  function today() {
    const found = {};
    for (const part of dayParts.formatToParts(new Date())) found[part.type] = Number(part.value);
    return Date.UTC(found.year, found.month - 1, found.day);
  }

  function write(box, panel, y, m, d) {
    box.value = `${persian(y, 4)}/${persian(m, 2)}/${persian(d, 2)}`;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.dispatchEvent(new Event("change", { bubbles: true }));
    panel.hidden = true;
    box.focus();
  }

  function read(box) {
    const match = /^\s*(\d{4})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{1,2})\s*$/.exec(latin(box.value));
    return match ? { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) } : null;
  }

  function draw(panel, box, y, m) {
    const first = gregorian(y, m, 1);
    const next = m === 12 ? gregorian(y + 1, 1, 1) : gregorian(y, m + 1, 1);
    const days = Math.round((next - first) / DAY);
    const lead = (new Date(first).getUTCDay() + 1) % 7; // Saturday is 0
    const chosen = read(box);
    const now = jalali(today());
    panel.replaceChildren();
    const head = document.createElement("div");
    head.className = "jpicker-head";
    const title = document.createElement("strong");
    title.textContent = `${monthName.format(new Date(first))} ${persian(y)}`;
    title.setAttribute("aria-live", "polite");
    const step = (label, text, dy, dm) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.setAttribute("aria-label", label);
      button.addEventListener("click", () => {
        const month = m + dm;
        draw(panel, box, y + dy + Math.floor((month - 1) / 12), ((month - 1 + 12) % 12) + 1);
      });
      return button;
    };
    head.append(step("ماه پیش", "›", 0, -1), title, step("ماه بعد", "‹", 0, 1));
    const grid = document.createElement("div");
    grid.className = "jpicker-grid";
    grid.setAttribute("role", "grid");
    for (const name of WEEKDAYS) {
      const cell = document.createElement("span");
      cell.className = "jpicker-weekday";
      cell.textContent = name;
      grid.append(cell);
    }
    for (let i = 0; i < lead; i += 1) grid.append(document.createElement("span"));
    for (let d = 1; d <= days; d += 1) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = persian(d);
      if (chosen && chosen.y === y && chosen.m === m && chosen.d === d) button.setAttribute("aria-pressed", "true");
      if (now.y === y && now.m === m && now.d === d) button.classList.add("jpicker-today");
      button.addEventListener("click", () => write(box, panel, y, m, d));
      grid.append(button);
    }
    const foot = document.createElement("div");
    foot.className = "jpicker-foot";
    const pickToday = document.createElement("button");
    pickToday.type = "button";
    pickToday.className = "jpicker-pick-today";
    pickToday.textContent = "امروز";
    pickToday.addEventListener("click", () => write(box, panel, now.y, now.m, now.d));
    foot.append(pickToday);
    panel.append(head, grid, foot);
  }

  function attach(box) {
    if (box.dataset.pickerReady) return;
    box.dataset.pickerReady = "true";
    const wrap = document.createElement("span");
    wrap.className = "jpicker-wrap";
    box.replaceWith(wrap);
    const open = document.createElement("button");
    open.type = "button";
    open.className = "jpicker-open";
    open.textContent = "تقویم";
    open.title = "انتخاب تاریخ";
    open.setAttribute("aria-expanded", "false");
    const panel = document.createElement("div");
    panel.className = "jpicker";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "تقویم");
    wrap.append(box, open, panel);
    open.addEventListener("click", () => {
      if (panel.hidden) {
        const at = read(box) || jalali(today());
        draw(panel, box, at.y, at.m);
      }
      panel.hidden = !panel.hidden;
      open.setAttribute("aria-expanded", String(!panel.hidden));
    });
    document.addEventListener("click", (event) => {
      // The path as it was when clicked: a month button is gone from the page once the month is redrawn.
      if (!event.composedPath().includes(wrap)) panel.hidden = true;
    });
    wrap.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden) {
        panel.hidden = true;
        open.focus();
      }
    });
  }

  const attachAll = (root) => root.querySelectorAll("input[data-calendar=jalali]").forEach(attach);
  document.addEventListener("DOMContentLoaded", () => attachAll(document));
  document.addEventListener("htmx:afterSwap", (event) => attachAll(event.target));
  // The admin adds inline rows (one-off holidays) after the page loaded.
  document.addEventListener("formset:added", (event) => attachAll(event.target));
})();
