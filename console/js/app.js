// @ts-check
/**
 * The console's entry point: sign-in, the header and a hash router (`#/`, `#/new`,
 * `#/runs/<thread>`, `#/runs/<thread>/artifacts/<path>?line=<n>`), so the server serves one page.
 */
import { ApiError, api, can, messageOf, session } from "./api.js";
import { artifactView } from "./artifact.js";
import { h, replace } from "./dom.js";
import { newPlanView } from "./new-plan.js";
import { runView } from "./run.js";
import { runsView } from "./runs.js";

/**
 * What GET /auth/me answers.
 * @typedef {{ key_id: string | null, name: string, tenant: string, roles: string[], allow_self_approval: boolean }} Me
 */

const view = /** @type {HTMLElement} */ (document.getElementById("view"));
const who = /** @type {HTMLElement} */ (document.getElementById("who"));
const nav = /** @type {HTMLElement} */ (document.getElementById("nav"));

/** @type {Me | null} */
let me = null;
/** stops the current page's live updates */
let leave = () => {};

/** @param {string} [message] */
function signInView(message) {
  const input = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    "aria-describedby": "api-key-help",
  });
  const error = h("p", { id: "sign-in-error", class: "error", role: "alert" }, message ?? "");
  const submit = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "card sign-in", "aria-labelledby": "sign-in-heading" },
    h("h1", { id: "sign-in-heading" }, "Sign in"),
    h("label", { for: "api-key" }, "API key"),
    input,
    h("p", { id: "api-key-help", class: "hint" }, "An Atlas API key (atlas_…). It is kept in this tab only (sessionStorage) and sent with each request."),
    submit,
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.setAttribute("disabled", "");
    error.textContent = "";
    session.save(/** @type {HTMLInputElement} */ (input).value.trim());
    try {
      await loadMe();
      route();
    } catch (failure) {
      session.clear();
      error.textContent = messageOf(failure);
      submit.removeAttribute("disabled");
    }
  });
  replace(view, form);
  input.focus();
}

async function loadMe() {
  me = /** @type {Me} */ (await api("/auth/me"));
  replace(
    who,
    h("span", { class: "who-name" }, me.name),
    h("span", { class: "who-detail" }, ` · ${me.tenant} · ${me.roles.join(", ")}`),
    h("button", { type: "button", class: "link", onclick: signOut }, "Sign out"),
  );
  nav.hidden = false;
  // the link only for keys that may start plans (the server checks anyway)
  /** @type {HTMLElement} */ (document.getElementById("nav-new")).hidden = !can(me, "planner");
}

function signOut() {
  session.clear();
  me = null;
  replace(who);
  nav.hidden = true;
  location.hash = "#/";
  route();
}

/** @param {string} hash */
function parseHash(hash) {
  const [path = "/", query = ""] = hash.replace(/^#/, "").split("?");
  return { segments: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

/** Shows the page the address names; a page returns how to stop its live updates. */
function route() {
  leave();
  leave = () => {};
  if (!me) return signInView();
  const { segments, params } = parseHash(location.hash);
  const context = { me, onUnauthenticated };
  if (segments[0] === "runs" && segments[1] && segments[2] === "artifacts" && segments.length > 3) {
    const line = Number(params.get("line"));
    leave = artifactView(view, context, segments[1], segments.slice(3).join("/"), Number.isInteger(line) && line > 0 ? line : null);
  } else if (segments[0] === "runs" && segments[1]) {
    leave = runView(view, context, segments[1]);
  } else if (segments[0] === "new") {
    leave = newPlanView(view, context);
  } else {
    leave = runsView(view, context, params.get("status") ?? "");
  }
}

/** A key revoked while the page is open: back to sign-in, saying why. */
function onUnauthenticated(/** @type {unknown} */ error) {
  if (!(error instanceof ApiError) || error.status !== 401) return false;
  leave();
  session.clear();
  me = null;
  replace(who);
  nav.hidden = true;
  signInView(error.message);
  return true;
}

async function start() {
  window.addEventListener("hashchange", () => {
    route();
    view.focus();
  });
  if (session.key()) {
    try {
      await loadMe();
    } catch (error) {
      session.clear();
      return signInView(messageOf(error));
    }
  }
  route();
}

void start();
