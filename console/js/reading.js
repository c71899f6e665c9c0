// @ts-check
/**
 * How a goal written in plain language was read (schemas/goal-reading.ts), drawn for people: each
 * field with the words it came from, the deciding facts the description left out (asked, each
 * with a default), and once answered, the answers and the defaults that were assumed. The new-plan
 * page shows it for confirmation before a run starts; the run page shows it beside the plan, so
 * an approver sees what Atlas inferred and from what.
 */
import { h, section } from "./dom.js";

/**
 * @typedef {{ path: string, value: string | number | boolean, from: string, note?: string }} ReadField
 * @typedef {{ path: string, question: string, default: string | number, why: string }} Question
 * @typedef {{ prompt: string, name: string, description: string, by: "deterministic" | "model", fields: ReadField[],
 *   missing: Question[], answers?: Record<string, unknown>, assumed?: string[] }} GoalReading
 */

/** The key of `answers` that names who answered (schemas: nodes/clarify/answer.ts), not a field. */
const ANSWERED_BY = "by";

/** @param {unknown} value */
const shown = (value) => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * The fields read from the description: path, value and the quoted words.
 * @param {ReadField[]} fields
 * @param {string} id
 */
export function readFields(fields, id) {
  if (!fields.length) return h("p", { id }, "Nothing could be read from the description: every field comes from a question or a default.");
  return h(
    "ul",
    { class: "read-fields", id },
    fields.map((field) =>
      h(
        "li",
        { "data-path": field.path },
        h("code", { class: "path" }, field.path),
        " = ",
        h("strong", { class: "value" }, shown(field.value)),
        h("span", { class: "from" }, " from ", h("q", {}, field.from)),
        field.note ? h("div", { class: "meta" }, field.note) : null,
      ),
    ),
  );
}

/**
 * The questions the run will ask (or asks), each with its default and why that default.
 * @param {Question[]} questions
 * @param {string} id
 */
export function questionList(questions, id) {
  return h(
    "ul",
    { class: "questions", id },
    questions.map((question) =>
      h(
        "li",
        { "data-path": question.path },
        h("strong", {}, question.question),
        h("div", {}, "Default ", h("code", {}, question.path), " = ", h("strong", {}, shown(question.default))),
        h("div", { class: "hint" }, question.why),
      ),
    ),
  );
}

/** @param {GoalReading} reading */
const readBy = (reading) => (reading.by === "model" ? "the architect's model (structured output)" : "the deterministic reader");

/**
 * The run page's "How the goal was read": the description, the fields read from it, the answers
 * given and the defaults assumed (marked as such), or the questions still waiting.
 * @param {GoalReading} reading
 */
export function readingSection(reading) {
  const answers = Object.entries(reading.answers ?? {}).filter(([path]) => path !== ANSWERED_BY);
  const by = reading.answers?.[ANSWERED_BY];
  const assumed = reading.assumed ?? [];
  const defaults = new Map(reading.missing.map((question) => [question.path, question.default]));
  const answeredYet = reading.answers !== undefined || reading.assumed !== undefined;
  return section(
    "reading",
    "How the goal was read",
    h("blockquote", { class: "prompt" }, reading.prompt),
    h("p", { class: "meta" }, `Read by ${readBy(reading)}.`),
    h("h3", {}, "Read from the description"),
    readFields(reading.fields, "reading-fields"),
    answers.length
      ? [
          h("h3", {}, `Answered${typeof by === "string" ? ` by ${by}` : ""}`),
          h(
            "ul",
            { class: "answers", id: "reading-answers" },
            answers.map(([path, value]) =>
              h("li", { "data-path": path }, h("code", { class: "path" }, path), " = ", h("strong", { class: "value" }, shown(value))),
            ),
          ),
        ]
      : null,
    assumed.length
      ? [
          h("h3", {}, "Assumed: nobody stated these, the plan uses their defaults"),
          h(
            "ul",
            { class: "assumed", id: "reading-assumed" },
            assumed.map((path) =>
              h(
                "li",
                { "data-path": path },
                h("span", { class: "badge assumed" }, "ASSUMED"),
                " ",
                h("code", { class: "path" }, path),
                " = ",
                h("strong", { class: "value" }, defaults.has(path) ? shown(defaults.get(path)) : "(default)"),
              ),
            ),
          ),
        ]
      : null,
    // the questions themselves are in the form above (or the note for a key that cannot answer): here only what is pending
    !answeredYet && reading.missing.length
      ? [
          h("h3", {}, "Asked, waiting for an answer"),
          h(
            "ul",
            { class: "assumed", id: "reading-waiting" },
            reading.missing.map((question) =>
              h("li", { "data-path": question.path }, h("code", { class: "path" }, question.path), ` (default ${shown(question.default)})`),
            ),
          ),
        ]
      : null,
    reading.missing.length ? null : h("p", {}, "The description stated every deciding fact: nothing was asked."),
  );
}
