// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// The browser's time zone, for whoever has not chosen one in their profile: the server shows times in
// it from the next request on (helpdesk.middleware.browser_time_zone). A cookie, never a request of its own.
(() => {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!/^[A-Za-z0-9_+\-]+(\/[A-Za-z0-9_+\-]+)*$/.test(zone) || document.cookie.split("; ").includes(`hd_tz=${zone}`)) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `hd_tz=${zone}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
})();

// Filters (the ticket list's, a report's) stay open on wide screens; on a phone they fold away behind their
// summary, so what they filter comes first.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(min-width: 861px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach((d) => (d.open = true));
  }
  // A chart over time wider than the screen starts scrolled to its latest end (the left end right to left).
  document.querySelectorAll(".chart-scroll[data-scroll-end]").forEach((box) => {
    box.scrollLeft = getComputedStyle(box).direction === "rtl" ? -box.scrollWidth : box.scrollWidth;
  });
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
  // A list's active tab stays in view when its row of tabs scrolls sideways (many saved views on a
  // desktop; on a phone the tabs wrap, static/css/app.css, and this changes nothing).
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

// The knowledge-base editor: the article's text takes the direction of the article's language, not the
// interface's. While the author has not picked a language, it is guessed from what they write.
const ARABIC_LETTERS = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/g;
const LATIN_LETTERS = /[A-Za-z]/g;
function guessLanguage(text) {
  // Persian when most letters are Persian: an English article may quote a Persian word, and the reverse.
  const persian = (text.match(ARABIC_LETTERS) || []).length;
  return persian > 0 && persian >= (text.match(LATIN_LETTERS) || []).length ? "fa" : "en";
}
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".kb-editor-form");
  const language = form && form.querySelector("select[name=language]");
  if (!language) return;
  const texts = form.querySelectorAll("[data-article-text]");
  const follow = () => {
    for (const box of texts) {
      box.lang = language.value;
      box.dir = language.value === "fa" ? "rtl" : "ltr";
    }
  };
  let picked = form.dataset.saved === "true";
  language.addEventListener("change", () => {
    picked = true;
    follow();
  });
  form.addEventListener("input", (event) => {
    if (picked || !event.target.hasAttribute("data-article-text")) return;
    const guess = guessLanguage([...texts].map((box) => box.value).join(" "));
    if (guess !== language.value) {
      language.value = guess;
      language.dispatchEvent(new Event("change", { bubbles: true }));
      picked = false;
    }
  });
});

// The knowledge-base editor's article pickers (knowledgebase.forms.ArticlePicker): the box finds titles as
// the author types (htmx, kb:manage_pick); a match, clicked or picked with Enter, joins the chosen
// articles (a translation replaces the one before). The arrow keys go from the box through the matches
// and back; Escape closes them. Enter in the box never saves the article (it picks the first match).
function pickArticle(picker, match) {
  const list = picker.querySelector("[data-picked]");
  const id = match.dataset.pickArticle;
  const had = [...list.querySelectorAll("input")].find((input) => input.value === id);
  if (had) {
    had.checked = true;
  } else {
    if (picker.dataset.multiple !== "true") list.replaceChildren();
    const item = picker.querySelector("template[data-picked-template]").content.firstElementChild.cloneNode(true);
    const title = item.querySelector("[data-picked-title]");
    const source = match.querySelector("[data-pick-title]");
    item.querySelector("input").value = id;
    title.textContent = source.textContent;
    title.lang = source.lang;
    item.querySelector("[data-picked-meta]").textContent = match.querySelector("[data-pick-meta]").textContent;
    list.append(item);
  }
  const box = picker.querySelector("[data-pick-box]");
  box.value = "";
  picker.querySelector("[data-pick-matches]").replaceChildren();
  box.focus();
}
document.addEventListener("click", (event) => {
  const match = event.target.closest?.("[data-pick-article]");
  const picker = match?.closest("[data-article-picker]");
  if (picker) pickArticle(picker, match);
});
document.addEventListener("keydown", (event) => {
  const picker = event.target.closest?.("[data-article-picker]");
  if (!picker || event.ctrlKey || event.metaKey || event.altKey) return;
  const box = picker.querySelector("[data-pick-box]");
  const shown = picker.querySelector("[data-pick-matches]");
  const buttons = [...shown.querySelectorAll("button")];
  const at = buttons.indexOf(event.target);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    if (event.target !== box && at < 0) return;
    const next = event.key === "ArrowDown" ? at + 1 : at - 1;
    (next < 0 ? box : buttons[Math.min(next, buttons.length - 1)])?.focus();
    event.preventDefault();
  } else if (event.key === "Enter" && event.target === box) {
    event.preventDefault();
    const first = buttons.find((button) => button.dataset.pickArticle);
    if (first) pickArticle(picker, first);
  } else if (event.key === "Escape" && buttons.length) {
    shown.replaceChildren();
    box.focus();
    event.preventDefault();
  }
});

// The top bar's popups ("More", the person's menu): a button opens the panel under it; a click outside
// or Escape closes it. Without JavaScript the panel's links stay in the row.
document.addEventListener("DOMContentLoaded", () => {
  const popups = [...document.querySelectorAll("[data-popup]")];
  const close = (popup) => {
    popup.classList.remove("open");
    popup.querySelector("[data-popup-toggle]").setAttribute("aria-expanded", "false");
  };
  for (const popup of popups) {
    const toggle = popup.querySelector("[data-popup-toggle]");
    toggle.hidden = false;
    popup.classList.add("popup-ready");
    toggle.addEventListener("click", () => {
      const open = !popup.classList.contains("open");
      popups.filter((other) => other !== popup).forEach(close);
      popup.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  document.addEventListener("click", (event) => {
    popups.filter((popup) => !event.composedPath().includes(popup)).forEach(close);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = popups.find((popup) => popup.classList.contains("open"));
    if (open) {
      close(open);
      open.querySelector("[data-popup-toggle]").focus();
    }
  });
});

// Django's admin scripts write their counts through the JavaScript catalogue's interpolate() ("3 of 50
// selected", admin/js/actions.js): in Persian, the numbers in Persian digits and decimal separator, as the
// page's own are. This file is deferred, so the catalogue (a plain script before it) has defined
// interpolate by now.
if (document.documentElement.lang === "fa" && typeof window.interpolate === "function") {
  const interpolate = window.interpolate;
  // A fraction too ("2.5 hours ahead of server time", admin/js/admin/DateTimeShortcuts.js): "۲٫۵".
  const persian = (value) =>
    typeof value === "number"
      ? String(value)
          .replace(".", "\u066b")
          .replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)))
      : value;
  window.interpolate = (format, values, named) =>
    interpolate(
      format,
      Array.isArray(values)
        ? values.map(persian)
        : Object.fromEntries(Object.entries(values).map(([key, value]) => [key, persian(value)])),
      named,
    );
}

// Files over the upload limits (each file, and all of a form's files together; the file box names them,
// tickets.attachments.forms.MultipleFileInput), and programs and scripts (the types the box lists), are
// refused here, next to the file box, before anything is sent: the server would refuse the whole request,
// and the text typed into the form would be lost.
(() => {
  const boxes = (form) => [...form.querySelectorAll("input[type=file][data-max-total-bytes]")];
  // The server's reading of a name (tickets.attachments.store.blocked_extension): invisible characters
  // dropped, any width or letter case, before an NTFS stream or not, trailing dots and spaces ignored.
  const lastExtension = (name) => {
    const [, dot, extension] = name.replace(/[\s.]+$/u, "").match(/^(?:.*)(\.)([^.]*)$/su) || [];
    return dot ? extension.trim().toLowerCase() : "";
  };
  const blockedExtension = (box, name) => {
    const blocked = new Set((box.dataset.blockedExtensions || "").split(" ").filter(Boolean));
    const part = name.normalize("NFKC").replace(/\p{Cf}/gu, "").split(/[\\/]/).pop();
    const found = [part, part.split(":")[0]].map(lastExtension).find((extension) => blocked.has(extension));
    return found ? found.toUpperCase() : ""; // said as "EXE" (tickets.attachments.store.blocked_type_message)
  };
  const refused = (box, file) => {
    const extension = blockedExtension(box, file.name);
    if (extension) return box.dataset.blockedType.replace("%(name)s", file.name).replace("%(extension)s", extension);
    if (file.size > Number(box.dataset.maxFileBytes)) return box.dataset.tooLarge.replace("%(name)s", file.name);
    return "";
  };
  const problem = (form) => {
    let total = 0;
    for (const box of boxes(form)) {
      for (const file of box.files || []) {
        const refusal = refused(box, file);
        if (refusal) return [box, refusal, file.name];
        total += file.size;
      }
    }
    const last = boxes(form).pop();
    return last && total > Number(last.dataset.maxTotalBytes) ? [last, last.dataset.tooMuch] : [null, ""];
  };
  const show = (form) => {
    form.querySelectorAll("[data-upload-error]").forEach((old) => old.remove());
    const [box, text, name] = problem(form);
    if (!box) return true;
    const note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.dataset.uploadError = "";
    // The file's name isolated (<bdi>): a Persian name in an English sentence keeps its own order.
    const at = name ? text.indexOf(name) : -1;
    if (at < 0) note.textContent = text;
    else {
      const isolated = Object.assign(document.createElement("bdi"), { textContent: name });
      note.replaceChildren(text.slice(0, at), isolated, text.slice(at + name.length));
    }
    (box.closest("[data-file-box]") || box).after(note);
    return false;
  };
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box.matches && box.matches("input[type=file][data-max-total-bytes]") && box.form) show(box.form);
  });
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !boxes(form).length || show(form)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      boxes(form)[0].focus();
    },
    true,
  );
})();

// The file box (templates/tickets/_file_box.html): the browser's own box is hidden, since it speaks the
// browser's language, not the page's; the chosen files' names are listed under the label that opens it,
// and files dropped on the box are chosen as if picked.
(() => {
  const list = (box) => {
    const names = box.closest("[data-file-box]").querySelector("[data-file-names]");
    const files = [...(box.files || [])];
    if (!files.length) return names.replaceChildren(names.dataset.none);
    const items = files.map((file) => {
      const item = document.createElement("li");
      const name = item.appendChild(document.createElement("bdi"));
      name.className = "file-name";
      name.textContent = file.name;
      return item;
    });
    names.replaceChildren(document.createElement("ul"));
    names.firstChild.replaceChildren(...items);
  };
  const fileBox = (target) => target.closest && target.closest("[data-file-box]");
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-file-box] input[type=file]")) list(event.target);
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-file-box] input[type=file]").forEach(list);
  });
  document.addEventListener("dragover", (event) => {
    if (fileBox(event.target)) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    const holder = fileBox(event.target);
    if (!holder || !event.dataTransfer.files.length) return;
    event.preventDefault();
    const box = holder.querySelector("input[type=file]");
    box.files = event.dataTransfer.files;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();

// "Go back" on an error page (the 413 of an upload over the limits): the browser's back keeps what was
// typed into the form in most browsers; the link's own address is the way without history.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// In the portal, the server's error under a field goes once the customer changes that field: "This field
// is required." under a subject typed since read as if the form still refused it, while the file box's
// own check (above) held the form back with the old messages showing. The server checks it again.
const clearStaleError = (event) => {
  const holder = event.target.closest && event.target.closest("main.portal form .has-error");
  if (!holder) return;
  holder.classList.remove("has-error");
  holder.querySelectorAll(":scope > div[id$='_error']").forEach((error) => error.remove());
};
document.addEventListener("input", clearStaleError);
document.addEventListener("change", clearStaleError);

// A form the server refused comes back with the focus on the first field in error, unless something
// already has it: a phone shows the field (even at the foot of a long page) and a screen reader reads
// its label and, through aria-describedby, its error.
document.addEventListener("DOMContentLoaded", () => {
  if (document.activeElement && document.activeElement !== document.body) return;
  const holder = document.querySelector("main form .has-error");
  if (!holder) return;
  const box = holder.querySelector("input:checked") || holder.querySelector("input:not([type=hidden]), textarea, select");
  if (box) box.focus();
});
