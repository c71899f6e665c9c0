// @ts-check
/**
 * A new plan: first from a description in plain language (read for confirmation, then started),
 * or from a structured goal (a GoalStatement as JSON). Either starts in the background; the run
 * page then follows it (through its questions, if the description left a deciding fact out) to
 * the approval gate.
 */
import { api, can, messageOf } from "./api.js";
import { h, replace } from "./dom.js";
import { questionList, readFields } from "./reading.js";

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
 * The API's issues as a list under the message (each names its field).
 * @param {HTMLElement} into
 * @param {unknown} failure
 */
function showFailure(into, failure) {
  const issues = /** @type {{ issues?: { path: string, message: string }[] }} */ (failure).issues ?? [];
  replace(
    into,
    h("p", {}, messageOf(failure)),
    issues.length
      ? h(
          "ul",
          {},
          issues.map((issue) => h("li", {}, `${issue.path}: ${issue.message}`)),
        )
      : null,
  );
}

/**
 * What POST /architect/interpret answers.
 * @typedef {{ reading: import("./reading.js").GoalReading, goal: Record<string, unknown> | null, assumed: string[],
 *   problems: { path: string, message: string }[] }} Interpretation
 */

/**
 * The confirmation of a reading: what was read and from which words, what will be asked (with
 * the defaults), the goal those make, and the button that starts the run.
 * @param {Interpretation} interpretation
 * @param {() => void} start
 */
function confirmation(interpretation, start) {
  const { reading, goal, problems } = interpretation;
  return h(
    "div",
    { class: "confirmation", id: "prompt-confirmation", "aria-labelledby": "confirmation-heading", role: "region" },
    h("h3", { id: "confirmation-heading" }, `What was read: ${reading.name}`),
    readFields(reading.fields, "read-fields"),
    reading.missing.length
      ? [
          h("h3", {}, `What it will ask (${reading.missing.length})`),
          h("p", { class: "hint" }, "The description leaves these deciding facts out: the run stops to ask them. Each has a default you can accept."),
          questionList(reading.missing, "read-questions"),
        ]
      : h("p", {}, "Every deciding fact is stated: the run will not stop to ask."),
    problems.length
      ? h(
          "div",
          { class: "error", role: "alert", id: "read-problems" },
          h("p", {}, "With the defaults, the goal is not valid yet:"),
          h(
            "ul",
            {},
            problems.map((problem) => h("li", {}, `${problem.path}: ${problem.message}`)),
          ),
        )
      : null,
    goal
      ? h(
          "details",
          { class: "goal-preview" },
          h("summary", {}, "The goal it makes, with the defaults"),
          h("pre", { class: "json", id: "read-goal" }, JSON.stringify(goal, null, 2)),
        )
      : null,
    h("div", { class: "buttons" }, h("button", { type: "button", class: "primary", id: "start-prompt", onclick: start }, "Start")),
  );
}

/**
 * The plain-language form: "Read it" asks POST /architect/interpret (nothing starts) and shows
 * the reading to confirm; "Start" posts the same description with `background: true`. Editing
 * the description after reading it takes the confirmation away: what starts is what was confirmed.
 * @param {import("./runs.js").Context} context
 */
function promptForm(context) {
  const prompt = /** @type {HTMLTextAreaElement} */ (
    h("textarea", { id: "goal-prompt", name: "prompt", rows: 4, required: true, maxlength: 4000, "aria-describedby": "prompt-help" })
  );
  const read = h("button", { type: "submit", id: "read-prompt" }, "Read it");
  const error = h("div", { class: "error", role: "alert", id: "prompt-error" });
  const result = h("div", { id: "prompt-result", "aria-live": "polite" });
  let busy = false;
  /** @param {boolean} on */
  const setBusy = (on) => {
    busy = on;
    for (const button of form.querySelectorAll("button")) button.disabled = on;
    if (on) form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
  };
  const start = async () => {
    if (busy) return;
    setBusy(true);
    replace(error);
    try {
      const queued = await api("/architect/plan", { method: "POST", body: { prompt: prompt.value.trim(), background: true } });
      location.hash = `#/runs/${encodeURIComponent(queued.thread_id)}`;
    } catch (failure) {
      if (context.onUnauthenticated(failure)) return;
      showFailure(error, failure);
      setBusy(false);
    }
  };
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "prompt-heading", id: "prompt-goal" },
    h("h2", { id: "prompt-heading" }, "Describe it"),
    h("label", { for: "goal-prompt" }, "What do you need?"),
    h(
      "p",
      { id: "prompt-help", class: "hint" },
      "In plain language: what it is, the region, the load, the availability, the budget and the environment. What you leave out is asked before planning, each with a default.",
    ),
    prompt,
    h("div", { class: "buttons" }, read),
    error,
    result,
  );
  prompt.addEventListener("input", () => replace(result));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const text = prompt.value.trim();
    replace(error);
    replace(result);
    if (!text) {
      error.textContent = "Describe what you need first.";
      prompt.focus();
      return;
    }
    setBusy(true);
    try {
      /** @type {Interpretation} */
      const interpretation = await api("/architect/interpret", { method: "POST", body: { prompt: text } });
      replace(
        result,
        confirmation(interpretation, () => void start()),
      );
    } catch (failure) {
      if (context.onUnauthenticated(failure)) return;
      showFailure(error, failure);
    }
    setBusy(false);
  });
  return form;
}

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
    h("h2", { id: "structured-heading" }, "Or a structured goal"),
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
      showFailure(error, failure);
      submit.removeAttribute("disabled");
    }
  });
  replace(view, h("h1", {}, "New plan"), promptForm(context), form);
  /** @type {HTMLElement} */ (view.querySelector("#goal-prompt")).focus();
  return () => {};
}
