// mlops ui: what the pages gain with JavaScript. Everything works without it: tables, sorting, filtering,
// paging and charts are rendered on the server. This adds live refresh, the compare button's state and
// confirmation before an alias moves. It talks only to the dashboard that served it.
"use strict";

(function () {
  const refreshSeconds = 3;

  // Live refresh: when anything is recorded in the repository (/api/changes), fetch the page again and swap
  // its content, keeping the runs the user has checked and leaving pages with a half-filled form alone.
  function marker() { return document.body.dataset.marker; }

  // The user is in a form, or has typed or chosen something in one that is not sent yet: not the moment to
  // replace it (a swapped promote form would fall back to another version).
  function editing() {
    const active = document.activeElement;
    if (active && active.closest("main form") && active.name !== "run") return true;
    // Checked runs are carried over by the swap; everything else typed, ticked or chosen would be lost.
    const fields = [...document.querySelectorAll("main form input:not([type=hidden]):not([name=run]), main form select")];
    return fields.some((field) => {
      if (field.tagName === "SELECT") {
        // Without a `selected` option, a select starts on its first one.
        return field.selectedIndex !== Math.max(0, [...field.options].findIndex((option) => option.defaultSelected));
      }
      if (field.type === "checkbox") return field.checked !== field.defaultChecked;
      return field.value !== field.defaultValue;
    });
  }

  let refreshing = false;

  async function refresh() {
    if (refreshing || document.hidden || editing()) return;
    refreshing = true;
    try {
      await swapIfChanged();
    } catch (error) {
      // The dashboard stopped or the page failed: the page stays as it is.
    } finally {
      refreshing = false;
    }
  }

  async function swapIfChanged() {
    const answer = await fetch("/api/changes", { cache: "no-store" });
    if (!answer.ok) return;
    const current = (await answer.json()).marker;
    if (current === marker()) return;
    const checked = new Set([...document.querySelectorAll("main input[name=run]:checked")].map((box) => box.value));
    const open = new Set([...document.querySelectorAll("main details[open]")].map((details) => details.id));
    const page = await fetch(location.href, { cache: "no-store" });
    if (!page.ok) return;
    const parsed = new DOMParser().parseFromString(await page.text(), "text/html");
    const main = parsed.querySelector("main");
    if (!main || editing()) return;
    document.querySelector("main").replaceWith(main);
    document.body.dataset.marker = parsed.body.dataset.marker || current;
    for (const box of document.querySelectorAll("main input[name=run]")) box.checked = checked.has(box.value);
    for (const details of document.querySelectorAll("main details")) details.open = open.has(details.id);
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

  // Before an alias moves, say which version goes where.
  function enhanceConfirm() {
    for (const button of document.querySelectorAll("main button[data-confirm]")) {
      button.addEventListener("click", (event) => {
        const form = button.closest("form");
        const version = form.querySelector("[name=version]");
        const alias = form.querySelector("[name=alias]");
        const what = version ? `Promote version ${version.value} to ${alias.value}?` : `Roll ${alias.value} back to the version before?`;
        if (!window.confirm(what)) event.preventDefault();
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
