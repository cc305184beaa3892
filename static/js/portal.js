// New-request form: tell the server when a suggested article is opened, so a request the
// knowledge base answered (the form then never sent) counts as deflected.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-deflection-url]");
  const panel = document.getElementById("kb-suggestions");
  if (!form || !panel) return;
  const report = (event) => {
    const link = event.target.closest("a[data-article-id]");
    if (!link) return;
    const data = new FormData();
    data.append("token", form.querySelector("input[name=deflection_token]").value);
    data.append("article", link.dataset.articleId);
    data.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    navigator.sendBeacon(form.dataset.deflectionUrl, data);
  };
  panel.addEventListener("click", report);
  panel.addEventListener("auxclick", report);

  // On a phone (one column) the suggestions go right under the subject: what appears as the customer
  // types then never moves the field being typed in (above the form it pushed it down ~300 px).
  const aside = panel.closest(".suggest-panel");
  const subject = form.querySelector("input[name=subject]");
  const subjectField = subject && subject.closest(".field");
  if (!aside || !subjectField) return;
  const column = aside.parentNode;
  const phone = window.matchMedia("(max-width: 760px)");
  const place = () => {
    if (phone.matches) subjectField.after(aside);
    else column.append(aside);
  };
  place();
  phone.addEventListener("change", place);
});
