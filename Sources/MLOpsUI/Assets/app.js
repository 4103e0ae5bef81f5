// mlops ui: what the pages gain with JavaScript. Everything works without it: tables, sorting, filtering,
// paging and charts are rendered on the server. This adds live refresh, the compare button's state and
// confirmation before an alias moves. It talks only to the dashboard that served it.
"use strict";

(function () {
  const refreshSeconds = 3;

  // Live refresh: when anything is recorded in the repository (/api/changes), fetch the page again and swap
  // its content, keeping the runs the user has checked and leaving pages with a half-filled form alone.
  function marker() { return document.body.dataset.marker; }

  // The user is typing in a form, or has filled in a promote or rollback form: not the moment to replace it.
  function editing() {
    const active = document.activeElement;
    if (active && active.closest("main form")) return true;
    return [...document.querySelectorAll("main form[method=post] input")].some((input) => input.value !== input.defaultValue);
  }

  async function refresh() {
    if (document.hidden) return;
    if (editing()) return;
    let current;
    try {
      const answer = await fetch("/api/changes", { cache: "no-store" });
      if (!answer.ok) return;
      current = (await answer.json()).marker;
    } catch (error) {
      return; // the dashboard stopped; the page stays as it is
    }
    if (current === marker()) return;
    const checked = new Set([...document.querySelectorAll("main input[name=run]:checked")].map((box) => box.value));
    const page = await fetch(location.href, { cache: "no-store" });
    if (!page.ok) return;
    const parsed = new DOMParser().parseFromString(await page.text(), "text/html");
    const main = parsed.querySelector("main");
    if (!main) return;
    document.querySelector("main").replaceWith(main);
    document.body.dataset.marker = parsed.body.dataset.marker || current;
    for (const box of document.querySelectorAll("main input[name=run]")) box.checked = checked.has(box.value);
    enhance();
  }

  // The compare button says how many runs are checked and is enabled from one.
  function enhanceCompare() {
    const form = document.getElementById("compare-form");
    const button = document.getElementById("compare");
    if (!form || !button) return;
    const update = () => {
      const count = form.querySelectorAll("input[name=run]:checked").length;
      button.disabled = count === 0;
      button.textContent = count ? `Compare ${count} selected` : "Compare selected";
    };
    form.addEventListener("change", update);
    update();
  }

  function enhanceConfirm() {
    for (const button of document.querySelectorAll("main button[data-confirm]")) {
      button.addEventListener("click", (event) => {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    }
  }

  function enhance() {
    enhanceCompare();
    enhanceConfirm();
  }

  // A page that answers a form post names the address of its content: show that one, so a reload or a live
  // refresh reads the page instead of posting the form again.
  const canonical = document.body.dataset.page;
  if (canonical && canonical !== location.pathname + location.search) history.replaceState(null, "", canonical);

  enhance();
  setInterval(refresh, refreshSeconds * 1000);
})();
