// @ts-check
/**
 * A new plan from a structured goal (a GoalStatement as JSON), started in the background; the
 * run page then follows it to the approval gate.
 */
import { api, can, messageOf } from "./api.js";
import { h, replace } from "./dom.js";

/** An example goal to start from (test/fixtures/goals/web-api-prod.json). */
const EXAMPLE_GOAL = {
  name: "orders-api",
  description: "Customer-facing orders REST API with a Postgres database behind a load balancer",
  cloud: "aws",
  region: "us-east-1",
  environment: "prod",
  workload: { type: "web-api", requests_per_second: 200, payload_kb: 4, data_size_gb: 50, needs_database: true },
  slo: { availability: 99.9, p95_latency_ms: 300 },
  budget: { monthly_usd: 3000 },
  constraints: [],
  compliance: [],
};

/**
 * @param {HTMLElement} view
 * @param {import("./runs.js").Context} context
 * @returns {() => void}
 */
export function newPlanView(view, context) {
  if (!can(context.me, "planner")) {
    replace(view, h("h1", {}, "New plan"), h("p", { class: "error", role: "alert" }, "This key cannot start plans: it needs the planner role."));
    return () => {};
  }
  const goal = /** @type {HTMLTextAreaElement} */ (
    h("textarea", { id: "goal-json", name: "goal", rows: 18, spellcheck: "false", required: true, "aria-describedby": "goal-help" })
  );
  goal.value = JSON.stringify(EXAMPLE_GOAL, null, 2);
  const submit = h("button", { type: "submit", class: "primary", id: "start-plan" }, "Start planning");
  const error = h("div", { class: "error", role: "alert", id: "plan-error" });
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "structured-heading" },
    h("h2", { id: "structured-heading" }, "Structured goal"),
    h("label", { for: "goal-json" }, "Goal (JSON)"),
    h(
      "p",
      { id: "goal-help", class: "hint" },
      "A GoalStatement: name, cloud, region, environment, workload, SLO, budget, constraints. Its JSON Schema is at ",
      h("code", {}, "GET /schemas/GoalStatement"),
      ".",
    ),
    goal,
    h("div", { class: "buttons" }, submit),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    replace(error);
    /** @type {unknown} */
    let parsed;
    try {
      parsed = JSON.parse(goal.value);
    } catch (failure) {
      error.textContent = `The goal is not valid JSON: ${messageOf(failure)}`;
      goal.focus();
      return;
    }
    submit.setAttribute("disabled", "");
    try {
      const queued = await api("/architect/plan", { method: "POST", body: { goal: parsed, background: true } });
      location.hash = `#/runs/${encodeURIComponent(queued.thread_id)}`;
    } catch (failure) {
      if (context.onUnauthenticated(failure)) return;
      const issues = /** @type {{ issues?: { path: string, message: string }[] }} */ (failure).issues ?? [];
      replace(
        error,
        h("p", {}, messageOf(failure)),
        issues.length
          ? h(
              "ul",
              {},
              issues.map((issue) => h("li", {}, `${issue.path}: ${issue.message}`)),
            )
          : null,
      );
      submit.removeAttribute("disabled");
    }
  });
  replace(
    view,
    h("h1", {}, "New plan"),
    // The plain-language prompt (a sentence turned into a goal) comes in a later increment: it
    // goes here, above the structured form, as its own <form> posting the prompt.
    h("section", { id: "prompt-goal", hidden: true, "aria-hidden": "true" }),
    form,
  );
  goal.focus();
  return () => {};
}
