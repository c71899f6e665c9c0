// @ts-check
/**
 * A run's page: what an approver needs to decide without reading JSON (the goal's constraints,
 * the summary, the diagram, the cost against the budget, availability against the SLO, findings,
 * risks, runbook citations, the event timeline) and the decision itself. Drawn again when the
 * run's events arrive (follow.js), so a page left open shows the run as it moves.
 */
import { api, can, download, messageOf } from "./api.js";
import { clarifyForm, waitingForAnswers } from "./clarify.js";
import { costChartModel, dollars, renderCostChart } from "./cost-chart.js";
import { renderDiagram } from "./diagram.js";
import { append, badge, h, replace, section, when } from "./dom.js";
import { followEvents } from "./follow.js";
import { readingSection } from "./reading.js";
import { startedBy } from "./runs.js";

/** Statuses in which a worker is still moving the run on. */
const WORKING = new Set(["NEW", "PENDING", "IN_PROGRESS", "VALIDATING", "APPLYING"]);
const SEVERITIES = ["critical", "high", "medium", "low", "info"];

/**
 * @typedef {import("./runs.js").Context} Context
 * @typedef {{ rule_id: string, severity: string, resource: string, file: string, line: number | null, message: string, remediation: string, unverified?: true }} Finding
 * @typedef {{ type: string, at: string, data: Record<string, unknown> }} RunEvent
 * @typedef {Record<string, any>} Run the RunView GET /architect/plan/:id answers (server/responses.ts runViewSchema)
 */

/** @param {string} thread @param {string} file @param {number | null} line */
export const artifactHref = (thread, file, line) =>
  `#/runs/${encodeURIComponent(thread)}/artifacts/${file.split("/").map(encodeURIComponent).join("/")}${line ? `?line=${line}` : ""}`;

/** @param {Run} run */
function overview(run) {
  const plan = run.plan;
  const summary = startedBy.get(run.thread_id);
  return h(
    "div",
    { class: "page-head run-head" },
    h("h1", {}, plan?.goal_name ?? summary?.goal_name ?? run.reading?.name ?? run.thread_id, " ", badge(run.status)),
    h(
      "p",
      { class: "meta" },
      `${run.plan_id}${plan ? ` · v${plan.version} · ${plan.pattern} · ${plan.cloud} ${plan.region} · ${plan.environment} · ${plan.planner} planner` : ""}` +
        `${summary?.created_by_name ? ` · started by ${summary.created_by_name}` : ""} · ${run.tokens_used} tokens`,
    ),
  );
}

/** @param {Run} run */
function outcome(run) {
  if (run.applied) {
    return h(
      "div",
      { class: "card outcome ok", id: "applied" },
      h("h2", {}, run.status === "ROLLED_BACK" ? "Applied, then rolled back" : "Applied"),
      h(
        "p",
        {},
        "Commit ",
        h("code", { id: "commit-sha" }, run.applied.commit),
        ` at ${run.applied.path}, plan v${run.applied.plan_version}, approved by ${run.applied.approver}.`,
      ),
    );
  }
  if (run.blocked) {
    return h(
      "div",
      { class: "card outcome bad" },
      h("h2", {}, `Blocked by the ${run.blocked.stage}`),
      h("p", {}, run.blocked.reason),
      run.blocked.arithmetic.length
        ? h(
            "ul",
            {},
            run.blocked.arithmetic.map((/** @type {string} */ line) => h("li", {}, line)),
          )
        : null,
    );
  }
  if (run.decision) {
    return h(
      "div",
      { class: "card outcome" },
      h("h2", {}, `Decision: ${run.decision.decision}`),
      h("p", {}, `by ${run.decision.approver}${run.decision.comment ? `: ${run.decision.comment}` : ""}`),
    );
  }
  if (WORKING.has(run.status))
    return h("p", { class: "card working", role: "status" }, `Working: ${run.status.replaceAll("_", " ").toLowerCase()}… this page follows the run.`);
  return null;
}

/** @param {Run} run */
function constraints(run) {
  const list = run.plan?.constraints ?? [];
  return section(
    "constraints",
    "Goal constraints",
    list.length
      ? h(
          "ul",
          { class: "constraints" },
          list.map((/** @type {any} */ c) =>
            h(
              "li",
              {},
              badge(c.status),
              " ",
              h("strong", {}, c.text),
              h("span", { class: "meta" }, ` (${c.hard ? "hard" : "soft"}, ${c.kind})`),
              h("div", {}, c.how),
            ),
          ),
        )
      : h("p", {}, "The goal states no constraints beyond its workload, SLO and budget."),
  );
}

/** @param {Run} run */
function costSection(run) {
  const cost = run.plan?.cost ?? run.cost;
  if (!cost) return null;
  const figure = h("figure", { class: "chart", id: "cost-chart" });
  figure.append(/** @type {SVGSVGElement} */ (/** @type {unknown} */ (renderCostChart(costChartModel(cost), document))));
  figure.append(
    h(
      "figcaption",
      {},
      `${dollars(cost.monthly_total_usd)} a month against a ${dollars(cost.budget_usd)} budget: ${cost.status}. Fixed ${dollars(cost.fixed_monthly_usd ?? 0)}, usage ${dollars(cost.usage_monthly_usd ?? 0)}.`,
    ),
  );
  return section(
    "cost",
    "Cost",
    figure,
    cost.usage_based?.length ? h("p", { class: "hint" }, `Not priced (usage-based, no figure in the goal): ${cost.usage_based.join(", ")}.`) : null,
    cost.usage_assumptions?.length
      ? h(
          "details",
          {},
          h("summary", {}, "Usage assumptions"),
          h(
            "ul",
            {},
            cost.usage_assumptions.map((/** @type {string} */ a) => h("li", {}, a)),
          ),
        )
      : null,
  );
}

/** @param {Run} run */
function availability(run) {
  const performance = run.plan?.performance;
  if (!performance) return null;
  const meets = performance.estimated_availability >= performance.availability_target;
  const slos = run.plan?.observability?.slos ?? [];
  return section(
    "availability",
    "Availability",
    h(
      "p",
      { class: meets ? "ok" : "bad" },
      `Estimated ${performance.estimated_availability} % against an SLO of ${performance.availability_target} %: ${meets ? "meets it" : "below it"}.`,
    ),
    h(
      "p",
      { class: "meta" },
      `Capacity ${performance.capacity_rps} rps for ${performance.target_rps} rps (${performance.headroom_percent} % headroom)${performance.p95_latency_ms_target ? `, p95 target ${performance.p95_latency_ms_target} ms` : ""}.`,
    ),
    slos.length
      ? h(
          "ul",
          {},
          slos.map((/** @type {any} */ s) => h("li", {}, `${s.name}: ${s.objective_percent} % over ${s.window_days} days`)),
        )
      : null,
  );
}

/** @param {Run} run */
function findings(run) {
  /** @type {Finding[]} */
  const all = [...(run.validation?.findings ?? []), ...(run.blocked?.findings ?? [])];
  const status = run.validation ? `Validation ${run.validation.status}, ${run.validation.checked_files} files checked.` : "Not validated yet.";
  if (!all.length) return section("findings", "Findings", h("p", {}, status, " No findings."));
  const groups = SEVERITIES.map((severity) => ({ severity, list: all.filter((f) => f.severity === severity) })).filter((group) => group.list.length > 0);
  return section(
    "findings",
    `Findings (${all.length})`,
    h("p", {}, status),
    groups.map(({ severity, list }) =>
      h(
        "div",
        { class: "severity-group" },
        h("h3", {}, h("span", { class: `sev sev-${severity}` }, severity), ` ${list.length}`),
        h(
          "ul",
          { class: "findings" },
          list.map((f) =>
            h(
              "li",
              {},
              h("strong", {}, f.rule_id),
              f.unverified ? h("span", { class: "meta" }, " (cannot verify)") : null,
              ": ",
              f.message,
              h(
                "div",
                { class: "meta" },
                f.resource,
                " in ",
                h("a", { href: artifactHref(run.thread_id, f.file, f.line) }, `${f.file}${f.line ? `:${f.line}` : ""}`),
              ),
              f.remediation ? h("div", { class: "hint" }, `Fix: ${f.remediation}`) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

/** @param {Run} run */
function risks(run) {
  const list = run.plan?.risks ?? [];
  if (!list.length) return null;
  return section(
    "risks",
    "Risks",
    h(
      "ul",
      {},
      list.map((/** @type {any} */ r) =>
        h("li", {}, h("span", { class: `sev sev-${r.severity}` }, r.severity), " ", h("strong", {}, r.title), h("div", {}, `Mitigation: ${r.mitigation}`)),
      ),
    ),
  );
}

/** @param {Run} run */
function citations(run) {
  const list = run.plan?.citations ?? [];
  if (!list.length) return null;
  return section(
    "citations",
    "Runbook citations",
    h(
      "ul",
      {},
      list.map((/** @type {any} */ c) => {
        const where = [h("code", {}, `${c.source}:${c.line_start}-${c.line_end}`), c.heading_path.length ? ` ${c.heading_path.join(" › ")}` : ""];
        // the cited lines as the plan was grounded on them, opened in place
        const cited = c.excerpt
          ? h("details", { class: "citation" }, h("summary", {}, ...where), h("pre", { class: "excerpt" }, c.excerpt))
          : h("div", {}, ...where);
        return h("li", {}, cited, h("div", { class: "meta" }, c.reason));
      }),
    ),
  );
}

/**
 * "Download all artifacts": GET …/artifacts.tar.gz needs the key, which a plain link cannot
 * send, so it is fetched and saved from a Blob (api.js download).
 * @param {Run} run
 * @param {Context} context
 */
function downloadButton(run, context) {
  const status = h("span", { class: "meta", role: "status", id: "download-status" });
  const button = /** @type {HTMLButtonElement} */ (h("button", { type: "button", id: "download-artifacts" }, "Download all artifacts"));
  button.addEventListener("click", async () => {
    if (button.disabled) return;
    button.disabled = true;
    status.textContent = "Downloading…";
    try {
      const name = await download(`/architect/plan/${encodeURIComponent(run.thread_id)}/artifacts.tar.gz`, `${run.plan_id}.tar.gz`);
      status.textContent = `Saved ${name}.`;
    } catch (failure) {
      if (context.onUnauthenticated(failure)) return;
      status.textContent = `Could not download: ${messageOf(failure)}`;
    }
    button.disabled = false;
  });
  return h("div", { class: "buttons" }, button, status);
}

/**
 * @param {Run} run
 * @param {Context} context
 */
function artifacts(run, context) {
  if (!run.artifacts.length) return null;
  return section(
    "artifacts",
    "Artifacts",
    downloadButton(run, context),
    h(
      "ul",
      { class: "files" },
      run.artifacts.map((/** @type {any} */ a) =>
        h("li", {}, h("a", { href: artifactHref(run.thread_id, a.path, null) }, a.path), h("span", { class: "meta" }, ` ${a.kind}, ${a.bytes} bytes`)),
      ),
    ),
  );
}

/**
 * What changed since the last approved version (the approval interrupt's `diff`,
 * graph/plan-diff.ts) and the plan's revision notes; nothing when there is neither.
 * @param {Run} run
 */
function changes(run) {
  const diff = run.interrupt?.kind === "approval" && run.interrupt.diff?.against_version != null ? run.interrupt.diff : null;
  /** @type {string[]} */
  const notes = run.plan?.revision_notes ?? [];
  if (!diff && !notes.length) return null;
  const delta = diff ? `${diff.monthly_usd_delta >= 0 ? "+" : "−"}${dollars(Math.abs(diff.monthly_usd_delta))} a month` : "";
  return section(
    "changes",
    "Changes",
    diff
      ? [
          h("h3", {}, `Since approved v${diff.against_version}: ${delta}`),
          diff.added.length || diff.removed.length || diff.changed.length
            ? h(
                "ul",
                { class: "diff", id: "plan-diff" },
                diff.added.map((/** @type {string} */ id) => h("li", { class: "added" }, h("strong", {}, "added "), h("code", {}, id))),
                diff.removed.map((/** @type {string} */ id) => h("li", { class: "removed" }, h("strong", {}, "removed "), h("code", {}, id))),
                diff.changed.map((/** @type {{ id: string, from: string, to: string }} */ c) =>
                  h("li", { class: "changed" }, h("strong", {}, "changed "), h("code", {}, c.id), `: ${c.from} → ${c.to}`),
                ),
              )
            : h("p", { id: "plan-diff" }, "No component changed."),
        ]
      : null,
    notes.length
      ? [
          h("h3", {}, "Revision notes"),
          h(
            "ul",
            { id: "revision-notes" },
            notes.map((note) => h("li", {}, note)),
          ),
        ]
      : null,
  );
}

/**
 * The audit entries of this run (GET /audit?target=<thread>), for an admin key only: the
 * section is absent for anyone else (the route is admin-only). Read each time the page is drawn.
 * @param {Run} run
 * @param {Context} context
 */
function auditSection(run, context) {
  if (!can(context.me, "admin")) return null;
  const body = h("div", {}, h("p", { role: "status" }, "Reading the audit log…"));
  api(`/audit?target=${encodeURIComponent(run.thread_id)}&limit=100`)
    .then((/** @type {{ entries: any[] }} */ answer) =>
      replace(
        body,
        answer.entries.length
          ? h(
              "ol",
              { class: "timeline", id: "audit-entries" },
              answer.entries.map((entry) => {
                const detail = Object.entries(entry.detail ?? {})
                  .filter(([, value]) => value !== null && typeof value !== "object")
                  .map(([key, value]) => `${key}: ${value}`)
                  .join(", ");
                return h(
                  "li",
                  { "data-action": entry.action },
                  h("time", { datetime: entry.created_at }, when(entry.created_at)),
                  " ",
                  h("strong", {}, entry.action),
                  ` by ${entry.actor_name}`,
                  detail ? h("div", { class: "meta" }, detail) : null,
                );
              }),
            )
          : h("p", {}, "No audit entries for this run."),
      ),
    )
    .catch((/** @type {unknown} */ failure) => {
      if (!context.onUnauthenticated(failure)) replace(body, h("p", { class: "error" }, messageOf(failure)));
    });
  return section("audit", "Audit log", body);
}

/** @param {RunEvent[]} events */
function timeline(events) {
  return section(
    "timeline",
    "Event timeline",
    events.length
      ? h(
          "ol",
          { class: "timeline" },
          events.map((event) => {
            const detail = Object.entries(event.data ?? {})
              .filter(([, value]) => value !== null && typeof value !== "object")
              .map(([key, value]) => `${key}: ${value}`)
              .join(", ");
            return h(
              "li",
              {},
              h("time", { datetime: event.at }, when(event.at)),
              " ",
              h("strong", {}, event.type),
              detail ? h("div", { class: "meta" }, detail) : null,
            );
          }),
        )
      : h("p", {}, "No events yet."),
  );
}

/**
 * The decision forms the key may use: approve / revise / reject while the plan waits, roll back
 * once applied. Absent without the approver role (the server refuses such a request anyway).
 * @param {Run} run
 * @param {Context} context
 * @param {import("./clarify.js").Controls} controls
 */
function actions(run, context, controls) {
  if (run.status === "WAIT_FOR_ANSWER") return can(context.me, "planner") ? clarifyForm(run, context, controls) : waitingForAnswers(run);
  if (!can(context.me, "approver")) {
    return run.status === "WAIT_FOR_APPROVE"
      ? h("p", { class: "card hint", id: "no-actions" }, "Waiting for an approver: this key cannot approve (it lacks the approver role).")
      : null;
  }
  const result = h("p", { class: "result", role: "status", id: "action-result" });
  const error = h("p", { class: "error", role: "alert", id: "action-error" });
  /**
   * Sends one action with every button of the form disabled until the answer: no double submit.
   * @param {HTMLFormElement} form
   * @param {string} path
   * @param {unknown} body
   * @param {string} done what to say on success
   */
  const send = async (form, path, body, done) => {
    const buttons = [...form.querySelectorAll("button")];
    for (const button of buttons) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    controls.begin();
    error.textContent = "";
    result.textContent = "Sending…";
    try {
      const next = await api(path, { method: "POST", body });
      await controls.reload();
      const after = document.getElementById("action-result");
      if (after) after.textContent = `${done}: the run is ${next.status}${next.applied ? `, commit ${next.applied.commit.slice(0, 12)}` : ""}.`;
    } catch (failure) {
      if (context.onUnauthenticated(failure)) return;
      result.textContent = "";
      error.textContent = messageOf(failure);
      for (const button of buttons) button.disabled = false;
      form.removeAttribute("aria-busy");
      controls.end();
    }
  };
  const base = `/architect/plan/${encodeURIComponent(run.thread_id)}`;

  if (run.status === "WAIT_FOR_APPROVE") {
    const summary = startedBy.get(run.thread_id);
    const selfRefused = !context.me.allow_self_approval && summary?.created_by != null && summary.created_by === context.me.key_id;
    const comment = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "decision-comment", name: "comment", rows: 3, maxlength: 4000 }));
    const form = /** @type {HTMLFormElement} */ (h("form", { class: "card actions", "aria-labelledby": "decision-heading" }));
    /** @param {"approve" | "reject" | "revise"} decision */
    const decide = (decision) => {
      const text = comment.value.trim();
      if (decision === "revise" && !text) {
        error.textContent = "Say what to change in the comment to request a revision.";
        comment.focus();
        return;
      }
      const verb = { approve: "Approved", reject: "Rejected", revise: "Revision requested" }[decision];
      void send(form, `${base}/resume`, { decision, approver: context.me.name, ...(text ? { comment: text } : {}) }, verb);
    };
    form.addEventListener("submit", (event) => event.preventDefault());
    append(form, [
      h("h2", { id: "decision-heading" }, "Decision"),
      h("label", { for: "decision-comment" }, "Comment (needed to request changes)"),
      comment,
      h(
        "div",
        { class: "buttons" },
        selfRefused ? null : h("button", { type: "button", id: "approve", class: "primary", onclick: () => decide("approve") }, "Approve"),
        h("button", { type: "button", id: "revise", onclick: () => decide("revise") }, "Request changes"),
        h("button", { type: "button", id: "reject", class: "danger", onclick: () => decide("reject") }, "Reject"),
      ),
      selfRefused ? h("p", { class: "hint" }, "You started this run and this tenant does not allow self-approval: another approver must approve it.") : null,
      result,
      error,
    ]);
    return form;
  }
  if (run.status === "DONE" && run.applied) {
    const reason = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "rollback-reason", name: "reason", rows: 2, required: true, maxlength: 2000 }));
    const form = /** @type {HTMLFormElement} */ (h("form", { class: "card actions", "aria-labelledby": "rollback-heading" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        error.textContent = "Give the reason for the rollback.";
        reason.focus();
        return;
      }
      void send(form, `${base}/rollback`, { by: context.me.name, reason: text }, "Rolled back");
    });
    form.append(
      h("h2", { id: "rollback-heading" }, "Roll back"),
      h("label", { for: "rollback-reason" }, "Reason"),
      reason,
      h("div", { class: "buttons" }, h("button", { type: "submit", id: "rollback", class: "danger" }, "Roll back")),
      result,
      error,
    );
    return form;
  }
  return h("div", {}, result, error);
}

/**
 * @param {HTMLElement} view
 * @param {Context} context
 * @param {string} threadId
 * @returns {() => void}
 */
export function runView(view, context, threadId) {
  const path = `/architect/plan/${encodeURIComponent(threadId)}`;
  /** @type {RunEvent[]} */
  let events = [];
  let shown = "";
  const message = h("p", { class: "error", role: "alert" });
  /** says when live updates are paused (the stream cannot be opened) */
  const live = h("p", { class: "meta", role: "status" });
  replace(view, h("p", { role: "status" }, "Loading the run…"));

  /** Draws the whole page from `run` (and the events last read). */
  const show = (/** @type {Run} */ run) => {
    shown = `${run.status}|${run.plan?.version}|${events.length}|${run.applied?.commit ?? ""}`;
    // focusable: at phone width the diagram scrolls sideways, and a keyboard must be able to scroll it
    const diagram = h(
      "div",
      { class: "diagram", id: "diagram", tabindex: "0", role: "region", "aria-label": "Architecture diagram (scrolls sideways on a narrow screen)" },
      h("p", {}, "Drawing the diagram…"),
    );
    replace(
      view,
      h("p", { class: "back" }, h("a", { href: "#/" }, "← All runs")),
      overview(run),
      message,
      live,
      outcome(run),
      actions(run, context, controls),
      run.plan ? section("summary", "Summary", h("p", {}, run.plan.summary)) : null,
      run.reading ? readingSection(run.reading) : null,
      changes(run),
      run.plan ? constraints(run) : null,
      run.plan ? section("diagram-section", "Diagram", diagram) : null,
      costSection(run),
      availability(run),
      // before the plan exists (questions waiting) there is nothing to validate: no empty section
      run.status === "WAIT_FOR_ANSWER" ? null : findings(run),
      risks(run),
      citations(run),
      artifacts(run, context),
      timeline(events),
      auditSection(run, context),
    );
    if (run.plan) void renderDiagram(diagram, run.plan.diagram);
  };

  /** Reads the run and its events; draws the page when something changed. */
  const refresh = async () => {
    const [run, history] = await Promise.all([api(path), api(`${path}/events`)]);
    events = history.events;
    const next = `${run.status}|${run.plan?.version}|${events.length}|${run.applied?.commit ?? ""}`;
    // redraw only on a change: a redraw would take the focus and a half-typed comment away
    if (next !== shown) show(run);
    message.textContent = "";
  };
  /** while an action is being sent, live updates wait: a redraw would bring its form back enabled */
  let acting = false;
  /** @type {import("./clarify.js").Controls} */
  const controls = {
    begin: () => {
      acting = true;
    },
    end: () => {
      acting = false;
    },
    reload: async () => {
      acting = false;
      shown = "";
      await refresh();
    },
  };
  const stop = followEvents({
    threadId,
    refresh: async () => {
      if (acting) return;
      try {
        await refresh();
      } catch (error) {
        if (context.onUnauthenticated(error)) return false;
        if (!shown) replace(view, h("p", { class: "back" }, h("a", { href: "#/" }, "← All runs")), message);
        message.textContent = messageOf(error);
      }
    },
    onTrouble: (text) => {
      live.textContent = text;
    },
  });
  return stop;
}
