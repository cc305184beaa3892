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
});
