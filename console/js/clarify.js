// @ts-check
/**
 * The clarify form of a run waiting in WAIT_FOR_ANSWER: the description left deciding facts out,
 * so the run asks them (the clarify interrupt's `questions`). One labelled input per question,
 * prefilled with its default; "Answer" sends the values that were changed (what is left as it is
 * stays an assumption, and the run page says so), "Use the defaults" sends `accept_defaults`.
 * A 400 names each wrong answer (`answers.<path>`): the message goes beside that input.
 */
import { api, messageOf } from "./api.js";
import { h } from "./dom.js";

/**
 * @typedef {import("./reading.js").Question} Question
 * @typedef {{ begin: () => void, end: () => void, reload: () => Promise<void> }} Controls
 *   begin: an action is being sent (live updates wait); end: it failed; reload: it is done, read and draw the run
 */

/** The values the API accepts for the fields that are a choice (nodes/intake/prompt/). */
const CHOICES = /** @type {Record<string, string[]>} */ ({
  environment: ["dev", "staging", "prod"],
  "workload.type": ["web-api", "worker", "static-site", "data-pipeline", "internal-service"],
});
/** The fields that are numbers, with their input limits (the server checks them anyway). */
const NUMBERS = /** @type {Record<string, { min: number, max?: number, step: string }>} */ ({
  "budget.monthly_usd": { min: 0, step: "any" },
  "slo.availability": { min: 0, max: 100, step: "any" },
});

/** @param {string} path an id-safe form of a field path */
const idOf = (path) => `answer-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;

/**
 * One question's input: a select for a choice, a number input for a number, text otherwise.
 * @param {Question} question
 */
function inputFor(question) {
  const id = idOf(question.path);
  const common = { id, name: question.path, "aria-describedby": `${id}-help ${id}-error`, "data-default": String(question.default) };
  const choices = CHOICES[question.path];
  if (choices) {
    const options = choices.includes(String(question.default)) ? choices : [String(question.default), ...choices];
    const select = /** @type {HTMLSelectElement} */ (
      h(
        "select",
        common,
        options.map((value) => h("option", { value }, value)),
      )
    );
    select.value = String(question.default);
    return select;
  }
  const number = NUMBERS[question.path];
  const input = /** @type {HTMLInputElement} */ (
    h("input", { ...common, type: number ? "number" : "text", inputmode: number ? "decimal" : undefined, ...(number ?? {}) })
  );
  input.value = String(question.default);
  return input;
}

/**
 * The answer an input holds, typed as the API wants it: a number for a number field.
 * @param {HTMLInputElement | HTMLSelectElement} input
 * @returns {string | number}
 */
function answerOf(input) {
  if (input instanceof HTMLInputElement && input.type === "number") return input.value.trim() === "" ? Number.NaN : Number(input.value);
  return input.value.trim();
}

/**
 * @param {import("./run.js").Run} run
 * @param {import("./runs.js").Context} context
 * @param {Controls} controls
 */
export function clarifyForm(run, context, controls) {
  /** @type {Question[]} */
  const questions = run.interrupt?.kind === "clarify" ? run.interrupt.questions : (run.reading?.missing ?? []);
  const result = h("p", { class: "result", role: "status", id: "action-result" });
  const error = h("p", { class: "error", role: "alert", id: "action-error" });
  const form = /** @type {HTMLFormElement} */ (
    h("form", { class: "card actions clarify", id: "clarify", "aria-labelledby": "clarify-heading", novalidate: true })
  );
  /** @type {Map<string, { input: HTMLInputElement | HTMLSelectElement, error: HTMLElement }>} */
  const fields = new Map();
  for (const question of questions) {
    const input = inputFor(question);
    fields.set(question.path, { input, error: h("p", { class: "error field-error", id: `${input.id}-error` }) });
  }
  let sending = false;

  /** @param {boolean} on */
  const setBusy = (on) => {
    sending = on;
    for (const button of form.querySelectorAll("button")) button.disabled = on;
    if (on) form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
  };
  const clearErrors = () => {
    error.textContent = "";
    for (const field of fields.values()) {
      field.error.textContent = "";
      field.input.removeAttribute("aria-invalid");
    }
  };
  /**
   * Shows each issue beside the input it names; the rest (and a summary) above the buttons.
   * @param {{ path: string, message: string }[]} issues
   * @param {string} message
   */
  const showIssues = (issues, message) => {
    const rest = [];
    for (const issue of issues) {
      const field = fields.get(issue.path.replace(/^answers\./, ""));
      if (!field) {
        rest.push(`${issue.path}: ${issue.message}`);
        continue;
      }
      field.error.textContent = issue.message;
      field.input.setAttribute("aria-invalid", "true");
    }
    const first = [...fields.values()].find((field) => field.input.getAttribute("aria-invalid") === "true");
    // the API's message repeats each field's issue: once beside the input is enough
    if (rest.length) error.textContent = `${message} ${rest.join("; ")}`;
    else error.textContent = first ? "An answer is not valid: see the message beside it." : message;
    first?.input.focus();
  };

  /**
   * Posts the answer (it returns when the plan is made, at the approval gate or BLOCKED), then
   * draws the run. Every button stays disabled until the server has answered: no double submit.
   * (Live updates wait meanwhile: the run still reads WAIT_FOR_ANSWER for a moment, and a redraw
   * would bring back an enabled form.)
   * @param {{ answers?: Record<string, string | number>, accept_defaults?: true }} body
   * @param {string} done
   */
  const send = async (body, done) => {
    if (sending) return;
    setBusy(true);
    controls.begin();
    clearErrors();
    result.textContent = "Sending… the plan is made once the answers are in; this page follows it.";
    try {
      const next = await api(`/architect/plan/${encodeURIComponent(run.thread_id)}/answer`, { method: "POST", body });
      await controls.reload();
      const after = document.getElementById("action-result");
      if (after) after.textContent = `${done}: the run is ${next.status}.`;
    } catch (failure) {
      if (context.onUnauthenticated(failure)) return;
      result.textContent = "";
      const issues = /** @type {{ issues?: { path: string, message: string }[] }} */ (failure).issues ?? [];
      showIssues(issues, messageOf(failure));
      setBusy(false);
      controls.end();
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    /** @type {Record<string, string | number>} */
    const answers = {};
    /** @type {{ path: string, message: string }[]} */
    const local = [];
    for (const [path, { input }] of fields) {
      const value = answerOf(input);
      if (typeof value === "number" && Number.isNaN(value)) local.push({ path, message: "Enter a number." });
      // a value left at its default is not an answer: the plan records it as assumed
      else if (String(value) !== input.dataset.default) answers[path] = value;
    }
    if (local.length) return showIssues(local, "Some answers are not valid.");
    if (!Object.keys(answers).length) return void send({ accept_defaults: true }, "Defaults used");
    void send({ answers }, "Answered");
  });

  form.append(
    h("h2", { id: "clarify-heading" }, "Questions before planning"),
    h(
      "p",
      { class: "hint" },
      `The description leaves ${questions.length === 1 ? "a deciding fact" : `${questions.length} deciding facts`} out. Each is prefilled with its default; a default left as it is is planned as an assumption.`,
    ),
    ...questions.map((question) => {
      const field = /** @type {{ input: HTMLInputElement | HTMLSelectElement, error: HTMLElement }} */ (fields.get(question.path));
      return h(
        "div",
        { class: "question", "data-path": question.path },
        h("label", { for: field.input.id }, question.question),
        field.input,
        h("p", { class: "hint", id: `${field.input.id}-help` }, h("code", {}, question.path), ` · default ${question.default} · ${question.why}`),
        field.error,
      );
    }),
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "submit", class: "primary", id: "answer" }, "Answer"),
      h("button", { type: "button", id: "accept-defaults", onclick: () => void send({ accept_defaults: true }, "Defaults used") }, "Use the defaults"),
    ),
    result,
    error,
  );
  return form;
}

/**
 * What a key without the planner role sees while a run waits for answers.
 * @param {import("./run.js").Run} run
 */
export function waitingForAnswers(run) {
  const count = run.interrupt?.questions?.length ?? run.reading?.missing?.length ?? 0;
  return h(
    "p",
    { class: "card hint", id: "no-actions" },
    `Waiting for answers to ${count} question${count === 1 ? "" : "s"}: this key cannot answer them (it needs the planner role).`,
  );
}
