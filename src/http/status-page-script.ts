/**
 * The status page's one script, allowed by its hash in the CSP (never an inline handler, never eval).
 * It asks for the admin token at the first button pressed, keeps it in a variable for as long as the
 * page is open (no storage, no cookie: closing or reloading the tab forgets it), and sends the buttons'
 * forms with fetch so the page, and the token with it, stays. After an action it fetches `/` again and
 * swaps in the parts marked data-live. Without script the forms still work, each with its own token field.
 *
 * Plain ES2020 in a string: the project's TypeScript has no DOM types; test/http checks it parses.
 */
export const STATUS_PAGE_SCRIPT = `
(() => {
  "use strict";
  let token = "";
  const byId = (id) => document.getElementById(id);
  const dialog = byId("token-dialog");
  const input = byId("token-input");
  const result = byId("action-result");
  if (!dialog || !input || !result || typeof dialog.showModal !== "function") return;
  document.documentElement.classList.add("js");

  const strip = (root) => {
    for (const field of root.querySelectorAll("form[data-admin] input[name=token]")) field.remove();
  };
  const showToken = () => {
    byId("token-held").hidden = token === "";
    byId("token-missing").hidden = token !== "";
  };
  const show = (message, ok) => {
    const flash = byId("flash");
    if (flash) flash.remove();
    result.textContent = message;
    result.className = ok ? "" : "refused";
    result.hidden = false;
  };
  const askToken = () =>
    new Promise((resolve) => {
      input.value = "";
      dialog.returnValue = "";
      dialog.addEventListener("close", () => {
        const given = dialog.returnValue === "use" ? input.value : "";
        input.value = "";
        resolve(given);
      }, { once: true });
      dialog.showModal();
    });
  const refresh = async () => {
    const res = await fetch("/", { headers: { accept: "text/html" }, credentials: "same-origin", cache: "no-store" });
    if (!res.ok) throw new Error("the page answered HTTP " + res.status);
    const fresh = new DOMParser().parseFromString(await res.text(), "text/html");
    for (const part of document.querySelectorAll("[data-live]")) {
      const next = fresh.getElementById(part.id);
      if (next) part.replaceWith(document.adoptNode(next));
    }
    strip(document);
  };
  const answerOf = async (res) => {
    const type = res.headers.get("content-type") || "";
    if (type.startsWith("application/json")) return res.json();
    const text = (await res.text()).trim();
    return { ok: false, message: "HTTP " + res.status + ": " + text.slice(0, 300) };
  };
  const send = async (form) => {
    const buttons = form.querySelectorAll("button");
    for (const b of buttons) b.disabled = true;
    try {
      const res = await fetch(form.action, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }).toString(),
        credentials: "same-origin",
        redirect: "error",
      });
      const answer = await answerOf(res);
      if (answer.reason === "wrong-token") token = "";
      showToken();
      show(String(answer.message || "HTTP " + res.status), answer.ok === true);
      if (answer.ok === true) await refresh();
    } catch (error) {
      show("The request failed: " + (error && error.message ? error.message : String(error)), false);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-admin")) return;
    event.preventDefault();
    if (token === "") token = await askToken();
    showToken();
    if (token !== "") await send(form);
  });
  byId("token-forget").addEventListener("click", () => {
    token = "";
    showToken();
  });
  byId("refresh").addEventListener("click", () => {
    refresh().catch((error) => show("Could not refresh: " + error.message, false));
  });
  strip(document);
  showToken();
})();
`;
