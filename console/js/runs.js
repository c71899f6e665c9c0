// @ts-check
/** The runs list: the tenant's runs, waiting approvals first (the API's order), read again when the tenant's events arrive. */
import { api, can, messageOf } from "./api.js";
import { badge, h, replace, when } from "./dom.js";
import { followEvents } from "./follow.js";

const STATUSES = [
  "WAIT_FOR_APPROVE",
  "WAIT_FOR_ANSWER",
  "PENDING",
  "IN_PROGRESS",
  "VALIDATING",
  "APPLYING",
  "DONE",
  "BLOCKED",
  "REJECTED",
  "ROLLED_BACK",
  "FAILED",
  "NEW",
];

/**
 * @typedef {{ thread_id: string, plan_id: string, goal_name: string, status: string, plan_version: number, busy: boolean,
 *   created_by: string | null, created_by_name: string | null, tokens_used: number, monthly_usd: number | null,
 *   budget_usd: number | null, created_at: string, updated_at: string }} RunSummary
 * @typedef {{ me: import("./app.js").Me, onUnauthenticated: (error: unknown) => boolean }} Context
 */

/** Who started each run, as the run page needs it for the self-approval rule (the run view does not say). */
export const startedBy = /** @type {Map<string, RunSummary>} */ (new Map());

/**
 * The cost at a glance: the plan's monthly cost against its budget, flagged at 80 % and over.
 * @param {RunSummary} run
 */
function costOf(run) {
  if (run.monthly_usd === null || run.budget_usd === null) return null;
  const share = run.budget_usd > 0 ? run.monthly_usd / run.budget_usd : 0;
  const level = share > 1 ? "over" : share >= 0.8 ? "near" : "ok";
  const dollars = (/** @type {number} */ n) => `$${n.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
  return h(
    "span",
    { class: `cost cost-${level}` },
    `${dollars(run.monthly_usd)}/month of ${dollars(run.budget_usd)}${level === "ok" ? "" : level === "near" ? " (over 80 %)" : " (over budget)"}`,
  );
}

/** @param {RunSummary} run */
function runItem(run) {
  const by = run.created_by_name ?? (run.created_by ? `key ${run.created_by}` : "unknown");
  return h(
    "li",
    { class: `run ${run.status.startsWith("WAIT_FOR_") ? "waiting" : ""}` },
    h("a", { href: `#/runs/${encodeURIComponent(run.thread_id)}`, class: "run-name" }, run.goal_name || run.thread_id),
    " ",
    badge(run.status),
    run.busy ? h("span", { class: "busy" }, " running…") : null,
    " ",
    costOf(run),
    h("div", { class: "meta" }, `started by ${by} · v${run.plan_version} · updated ${when(run.updated_at)} · ${run.thread_id}`),
  );
}

/**
 * @param {HTMLElement} view
 * @param {Context} context
 * @param {string} status the filter, "" for every run
 * @returns {() => void}
 */
export function runsView(view, context, status) {
  const select = h(
    "select",
    { id: "status-filter", name: "status" },
    h("option", { value: "" }, "All"),
    STATUSES.map((value) => h("option", { value, selected: value === status }, value.replaceAll("_", " "))),
  );
  select.addEventListener("change", () => {
    const value = /** @type {HTMLSelectElement} */ (select).value;
    location.hash = value ? `#/?status=${value}` : "#/";
  });
  const list = h("ul", { class: "runs", "aria-busy": "true" });
  const message = h("p", { class: "error", role: "alert" });
  replace(
    view,
    h("div", { class: "page-head" }, h("h1", {}, "Runs"), can(context.me, "planner") ? h("a", { href: "#/new", class: "button" }, "New plan") : null),
    h("div", { class: "filter" }, h("label", { for: "status-filter" }, "Status"), select),
    message,
    list,
  );
  const query = status ? `?status=${encodeURIComponent(status)}` : "";
  const live = h("p", { class: "meta", role: "status" });
  list.before(live);
  return followEvents({
    refresh: async () => {
      try {
        const { runs } = /** @type {{ runs: RunSummary[] }} */ (await api(`/architect/plans${query}`));
        for (const run of runs) startedBy.set(run.thread_id, run);
        replace(list, runs.length ? runs.map(runItem) : h("li", { class: "empty" }, status ? `No run is ${status.replaceAll("_", " ")}.` : "No runs yet."));
        list.setAttribute("aria-busy", "false");
        message.textContent = "";
      } catch (error) {
        if (context.onUnauthenticated(error)) return false;
        message.textContent = messageOf(error);
      }
    },
    onTrouble: (text) => {
      live.textContent = text;
    },
  });
}
