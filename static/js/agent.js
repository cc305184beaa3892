// Agent workspace: keyboard shortcuts, list navigation, bulk selection, composer mode, presence state.
// Every page works without it; this only makes frequent work faster.
(() => {
  "use strict";

  const typing = (el) =>
    el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

  // --- shortcuts dialog -----------------------------------------------------------------------
  const dialog = () => document.getElementById("shortcuts");
  const openHelp = () => {
    const d = dialog();
    if (d && !d.open) d.showModal();
  };
  document.addEventListener("click", (e) => {
    if (e.target.closest("[data-shortcuts-open]")) openHelp();
  });

  // --- list navigation (j/k) ------------------------------------------------------------------
  let current = -1;
  const items = () => Array.from(document.querySelectorAll("[data-nav-list] [data-nav-item]"));
  const move = (step) => {
    const list = items();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, current + step));
    list.forEach((el, i) => el.classList.toggle("is-current", i === current));
    const link = list[current].querySelector("[data-nav-link]");
    list[current].scrollIntoView({ block: "nearest" });
    if (link) link.focus({ preventScroll: true });
  };

  // --- composer (reply / note) ----------------------------------------------------------------
  const composer = () => document.querySelector("[data-composer]");
  const setKind = (kind) => {
    const form = composer();
    if (!form) return;
    const radio = form.querySelector(`input[name=kind][value=${kind}]`);
    if (radio) radio.checked = true;
    applyKind(form);
  };
  const applyKind = (form) => {
    const note = form.querySelector("input[name=kind][value=note]")?.checked;
    const card = form.closest(".composer");
    card?.classList.toggle("is-note", !!note);
    const body = form.querySelector("[data-composer-body]");
    if (body) body.placeholder = note ? body.dataset.placeholderNote : body.dataset.placeholderReply;
    const button = form.querySelector("button[type=submit]");
    if (button && !form.querySelector("input[name=confirmed][value=True]")) {
      button.textContent = note ? button.dataset.labelNote : button.dataset.labelReply;
    }
    // A note keeps the status unless the agent picks one; a reply defaults to "pending".
    const status = form.querySelector("select[name=status]");
    if (status && !status.dataset.touched) {
      const pending = status.querySelector("option[value=pending]");
      status.value = note ? "" : pending ? "pending" : "";
    }
  };
  const focusComposer = (kind) => {
    const form = composer();
    if (!form) return false;
    setKind(kind);
    const body = form.querySelector("[data-composer-body]");
    body?.focus();
    body?.scrollIntoView({ block: "center" });
    return true;
  };

  document.addEventListener("change", (e) => {
    const form = e.target.closest("[data-composer]");
    if (form && e.target.name === "kind") applyKind(form);
    if (form && e.target.name === "status") e.target.dataset.touched = "1";
    if (e.target.matches("[data-select-all]")) {
      document.querySelectorAll("input[name=tickets]").forEach((box) => (box.checked = e.target.checked));
    }
    if (e.target.name === "tickets" || e.target.matches("[data-select-all]")) updateSelected();
    if (e.target.name === "action" && e.target.closest("#bulk")) showBulkField();
  });

  // --- presence: "replying" while the composer has text -----------------------------------------
  let lastState = "viewing";
  document.addEventListener("input", (e) => {
    if (!e.target.matches("[data-composer-body]")) return;
    const state = e.target.value.trim() ? "replying" : "viewing";
    const field = document.querySelector("#presence input[name=state]");
    if (field && state !== lastState) {
      lastState = state;
      field.value = state;
      if (window.htmx) window.htmx.trigger("#presence", "presence-change");
    }
  });

  // --- bulk actions ---------------------------------------------------------------------------
  // A count in the page's language (Persian digits in fa), as the server writes numbers.
  const localNumber = (n) => n.toLocaleString(document.documentElement.lang || undefined, { useGrouping: false });
  const updateSelected = () => {
    const out = document.querySelector("[data-selected-count]");
    if (!out) return;
    const n = document.querySelectorAll("input[name=tickets]:checked").length;
    if (!out.dataset.empty) out.dataset.empty = out.textContent;
    out.textContent = n ? out.dataset.template.replace("{count}", localNumber(n)) : out.dataset.empty;
    // the bar's fields load on the first selection (a click, "select all" or the x key)
    if (n) document.querySelector("[data-bulk-fields]")?.dispatchEvent(new Event("bulk-wanted"));
  };
  const showBulkField = () => {
    const action = document.querySelector("#bulk select[name=action]");
    if (!action) return;
    document.querySelectorAll("[data-bulk-for]").forEach((el) => {
      el.hidden = el.dataset.bulkFor !== action.value;
    });
  };

  // One confirmation before a bulk change, a referral cancel, a merge or marking as spam.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    let question = form.dataset.confirm;
    const action = form.querySelector("select[name=action]")?.value;
    if (form.dataset.confirmMerge && action === "merge") question = form.dataset.confirmMerge;
    if (form.dataset.confirmSpam && action === "spam") question = form.dataset.confirmSpam;
    if (form.id === "bulk") {
      const n = document.querySelectorAll("input[name=tickets]:checked").length;
      question = `${question} (${localNumber(n)})`;
    }
    if (question && !window.confirm(question)) e.preventDefault();
  });

  // Contact matches fill the email, name and phone fields of "new ticket" (a caller known by
  // phone has no email: the name and number find them again).
  document.addEventListener("click", (e) => {
    const match = e.target.closest("[data-fill-email]");
    if (!match) return;
    const form = match.closest("form");
    for (const [name, value] of [["email", match.dataset.fillEmail], ["full_name", match.dataset.fillFull_name], ["phone", match.dataset.fillPhone]]) {
      const input = form?.querySelector(`input[name=${name}]`);
      if (input) input.value = value || "";
    }
    form?.querySelector("input[name=email]")?.focus();
  });

  // --- macros and knowledge-base articles in the composer --------------------------------------
  // Text goes in at the cursor (or replaces the previous macro's untouched text), so the agent
  // can still edit it before sending.
  const composerBody = () => composer()?.querySelector("[data-composer-body]");
  const insertText = (body, text) => {
    const start = body.selectionStart ?? body.value.length;
    const end = body.selectionEnd ?? body.value.length;
    const before = body.value.slice(0, start);
    const after = body.value.slice(end);
    const gapBefore = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
    const gapAfter = after && !after.startsWith("\n") ? "\n\n" : "";
    body.value = before + gapBefore + text + gapAfter + after;
    const caret = (before + gapBefore + text).length;
    body.setSelectionRange(caret, caret);
    body.dispatchEvent(new Event("input", { bubbles: true }));
    body.focus();
  };

  document.addEventListener("htmx:afterSwap", (e) => {
    const preview = e.target.querySelector?.("[data-macro-preview]");
    const body = composerBody();
    if (!preview || !body) return;
    const text = preview.querySelector("template[data-macro-text]")?.content.textContent || "";
    setKind(preview.dataset.macroKind);
    if (!body.value.trim() || body.value === body.dataset.macroText) body.value = "";
    body.dataset.macroText = "";
    insertText(body, text);
    body.dataset.macroText = body.value;
    const status = composer().querySelector("select[name=status]");
    const wanted = preview.dataset.macroStatus;
    if (status && wanted && status.querySelector(`option[value="${wanted}"]`)) {
      status.value = wanted;
      status.dataset.touched = "1";
    }
  });

  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-insert-article]");
    const body = composerBody();
    if (!button || !body) return;
    insertText(body, button.dataset.text);
    // Recorded as used only when the reply is sent (the server re-checks each id).
    const field = composer().querySelector("[data-composer-articles]");
    const ref = `${button.dataset.insertArticle}:${button.dataset.mode}`;
    if (field && !field.value.split(" ").includes(ref)) field.value = `${field.value} ${ref}`.trim();
    button.classList.add("is-done");
  });

  // --- keys -----------------------------------------------------------------------------------
  // The shortcuts by physical key, for layouts whose letters are not Latin: on a Persian keyboard N
  // sends "د" and shift+/ sends "؟". A Latin key the layout shows (AZERTY, Dvorak) still wins.
  const SHORTCUT_CODES = { KeyJ: "j", KeyK: "k", KeyO: "o", KeyX: "x", KeyR: "r", KeyN: "n" };
  const SHORTCUT_KEYS = new Set(["?", "/", "j", "k", "o", "x", "r", "n", "Enter", "Escape"]);
  const shortcutKey = (e) => {
    if (SHORTCUT_KEYS.has(e.key)) return e.key;
    if (e.code === "Slash") return e.shiftKey ? "?" : "/";
    return SHORTCUT_CODES[e.code] || e.key;
  };

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape" && typing(document.activeElement)) {
      document.activeElement.blur();
      return;
    }
    if (typing(document.activeElement) || dialog()?.open) return;
    const key = shortcutKey(e);
    if (key === "?") {
      openHelp();
    } else if (key === "j") {
      move(1);
    } else if (key === "k") {
      move(-1);
    } else if (key === "o" || (key === "Enter" && current >= 0 && !document.activeElement?.href)) {
      const link = items()[current]?.querySelector("[data-nav-link]");
      if (link) window.location.href = link.href;
      else return;
    } else if (key === "x") {
      const box = items()[current]?.querySelector("input[name=tickets]");
      if (!box) return;
      box.checked = !box.checked;
      updateSelected();
    } else if (key === "/") {
      const search = document.querySelector("[data-search]");
      if (!search) return;
      search.focus();
    } else if (key === "r") {
      if (!focusComposer("reply")) return;
    } else if (key === "n") {
      if (!focusComposer("note")) return;
    } else {
      return;
    }
    e.preventDefault();
  });

  // A customer's message whose images from other sites were held back (tickets.content
  // .remote_images_held): the agent asks, and they load; the note goes.
  document.addEventListener("click", (e) => {
    const button = e.target.closest?.("[data-show-remote]");
    if (!button) return;
    const message = button.closest("article");
    message?.querySelectorAll("img[data-remote-src]").forEach((img) => {
      img.src = img.dataset.remoteSrc;
      img.removeAttribute("data-remote-src");
    });
    button.closest(".remote-images")?.remove();
  });

  document.addEventListener("htmx:load", (e) => {
    if (e.target.closest?.("#bulk")) showBulkField();
  });

  document.addEventListener("DOMContentLoaded", () => {
    showBulkField();
    const form = composer();
    if (form) {
      const status = form.querySelector("select[name=status]");
      // A form re-shown after an error keeps what the agent chose.
      if (status && "bound" in form.dataset) status.dataset.touched = "1";
      if (form.querySelector("input[name=kind][value=note]")?.checked) applyKind(form);
    }
  });
})();
