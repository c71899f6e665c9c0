import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { isAtlasError } from "../../lib/errors.js";
import { isOneLine, validationError } from "../../lib/validation.js";
import { makeModelSpend } from "../../nodes/architect/spend.js";
import type { Interpretation } from "../../nodes/intake/prompt/extract.js";
import { goalFromInterpretation } from "../../nodes/intake/prompt/goal.js";
import { readPrompt } from "../../nodes/intake/prompt/model.js";
import { decideAudited } from "../../runs/decisions.js";
import type { ProgressEvent, RunView } from "../../runs/service.js";
import { goalStatementSchema, promptSchema } from "../../schemas/goal.js";
import { goalReadingSchema } from "../../schemas/goal-reading.js";
import { decisionFields, withDecisionRules } from "../../schemas/reports.js";
import { makeAuditLog } from "../../tenants/audit.js";
import type { ServerDeps } from "../deps.js";
import { actorOf, principalOf, tenantOf } from "../plugins/auth.js";
import { errors, json, type ResponseDoc, runViewSchema } from "../responses.js";
import { openEventStream } from "./event-stream.js";

export const threadIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, "letters, digits, - and _ (at most 128)");
export const paramsSchema = z.object({ thread_id: threadIdSchema }).strict();

export const planBodySchema = z
  .object({
    /** a structured goal; or, instead, `prompt` */
    goal: goalStatementSchema.optional(),
    /** the goal in plain language: "a Postgres-backed orders API in eu-west-1, 800 rps, 99.95 %, under $2,000 a month" */
    prompt: promptSchema.optional(),
    thread_id: threadIdSchema.optional(),
    /** answer 202 at once and leave the run to a worker (also: header `Prefer: respond-async`) */
    background: z.boolean().optional(),
    /** when the thread is busy: `reject` with 409 (default) or `queue` the run behind the current one (202) */
    if_busy: z.enum(["reject", "queue"]).optional(),
  })
  .strict()
  .refine((body) => (body.goal === undefined) !== (body.prompt === undefined), {
    message: "send a goal, or a prompt in plain language (one of the two)",
    path: ["goal"],
  });
/** Answers to the clarify questions (who answers is the key: its name is recorded with them). */
export const answerBodySchema = z
  .object({
    answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    accept_defaults: z.boolean().optional(),
  })
  .strict()
  .refine((value) => value.accept_defaults === true || Object.keys(value.answers ?? {}).length > 0, {
    message: "answer at least one question, or send accept_defaults: true",
    path: ["answers"],
  });

/**
 * The resume route's body: an ApprovalDecision without the identity. Who decides is the key
 * (recorded as `approver` and `approver_key_id`); an `approver` sent here that is not the key's
 * name is kept as `approver_note`, a display note. The published ApprovalDecision (what the
 * graph and the plan record) keeps `approver` required.
 */
export const resumeBodySchema = withDecisionRules(
  z
    .object({
      ...decisionFields,
      /** optional: who approves, in your words (kept as `approver_note` when it is not the key's name) */
      approver: z.string().trim().min(1).max(200).refine(isOneLine, "one line without control characters").optional(),
    })
    .strict(),
);

export const interpretationSchema = z.object({
  reading: goalReadingSchema,
  /**
   * the GoalStatement the reading makes with the defaults (as POST /architect/plan takes it), or null
   * when it is not valid (`problems` say why); typed loosely here so the description keeps one GoalStatement
   */
  goal: z.record(z.string(), z.unknown()).nullable(),
  assumed: z.array(z.string()),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
});

export const rollbackBodySchema = z
  .object({ by: z.string().trim().min(1).max(200).refine(isOneLine, "one line without control characters"), reason: z.string().trim().min(1).max(2000) })
  .strict();

export const queuedRunSchema = z.object({
  thread_id: z.string(),
  trace_id: z.string(),
  status: z.literal("PENDING"),
  queued: z.enum(["next", "after_current"]),
});

/** A run's answer: JSON, or with `Accept: text/event-stream` progress events and then the same run as `result`. */
const runAnswer: ResponseDoc = {
  description: "The run where it stopped: at the approval gate, BLOCKED, DONE, ...",
  content: { "application/json": { schema: runViewSchema }, "text/event-stream": { schema: z.string() } },
};
const streamed = "With `Accept: text/event-stream`, node progress is streamed as `progress` events and the result as the final `result` event (a RunView).";

const wantsEventStream = (request: FastifyRequest) => (request.headers.accept ?? "").includes("text/event-stream");
const prefersAsync = (request: FastifyRequest) => /\brespond-async\b/i.test(String(request.headers.prefer ?? ""));

/** Background when asked (`background`, `Prefer: respond-async`), or to queue behind a busy thread (`if_busy: "queue"`). */
async function runsInBackground(deps: ServerDeps, request: FastifyRequest, body: z.infer<typeof planBodySchema>): Promise<boolean> {
  if (body.background === true || prefersAsync(request)) return true;
  if (body.if_busy !== "queue" || !body.thread_id) return false;
  return deps.background.busy(body.thread_id, tenantOf(request)).catch((error: unknown) => {
    if (isAtlasError(error) && error.code === "NOT_FOUND") return false;
    throw error;
  });
}

/**
 * Runs `work` and answers with its result; when the client asked for `text/event-stream`,
 * streams node progress as server-sent events first and the result as the final `result` event.
 */
async function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  work: (onProgress?: (event: ProgressEvent) => void) => Promise<RunView>,
): Promise<unknown> {
  if (!wantsEventStream(request)) return work();
  openEventStream(reply);
  const send = (event: string, data: unknown) => reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  try {
    send("result", await work((progress) => send("progress", progress)));
  } catch (error) {
    const known = isAtlasError(error) && error.status < 500;
    if (!known) request.log.error({ err: error }, "plan stream failed");
    send("error", { code: known ? error.code : "INTERNAL", message: known ? error.message : "Internal server error" });
  }
  reply.raw.end();
  return reply;
}

/** The planning API's actions: start a design, answer its approval, roll it back (reads: plan-reads.ts). */
export const planRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const planner = deps.planner;
  const audit = makeAuditLog(deps.db.pool);
  /** The audit row must not turn a decision that happened into an error; a failure is logged with the row. */
  const audited = (request: FastifyRequest, write: () => Promise<void>) =>
    write().catch((error: unknown) => request.log.error({ err: error, actor: actorOf(request) }, "audit log write failed"));

  app.post(
    "/architect/plan",
    {
      schema: {
        tags: ["planning"],
        summary: "Design, build and validate a goal; runs to the approval interrupt or BLOCKED",
        description: `${streamed} With \`background: true\` (or \`Prefer: respond-async\`) it answers 202 at once and a worker on any replica runs it; \`if_busy: "queue"\` queues the run behind a busy thread instead of answering 409.`,
        body: planBodySchema,
        response: {
          200: runAnswer,
          202: json(queuedRunSchema, "Queued for a background worker; `location` is the thread"),
          400: errors.invalid,
          404: errors.missingThread,
          409: errors.busy,
        },
      },
      config: { role: "planner" },
    },
    async (request, reply) => {
      const body = request.body;
      const run = { goal: body.goal, prompt: body.prompt, thread_id: body.thread_id, tenant: tenantOf(request), created_by: principalOf(request).keyId };
      if (await runsInBackground(deps, request, body)) {
        const queued = await deps.background.submit(run, body.if_busy);
        if (prefersAsync(request)) reply.header("preference-applied", "respond-async");
        return reply.status(202).header("location", `/architect/plan/${queued.thread_id}`).send(queued);
      }
      return respond(request, reply, (onProgress) => planner.start(run, onProgress));
    },
  );

  const thread = { params: paramsSchema, tags: ["planning"] };

  app.post(
    "/architect/plan/:thread_id/resume",
    {
      schema: {
        ...thread,
        summary: "Answer the approval: approve, reject or revise",
        description: `${streamed} The decision is recorded under the key that sends it (its name as \`approver\`, its id as \`approver_key_id\`); an \`approver\` in the body that differs from the key's name is kept as \`approver_note\`. Approving a plan your own key started is refused (403, \`reason: "self_approval"\`) unless the tenant allows it.`,
        body: resumeBodySchema,
        response: { 200: runAnswer, 400: errors.invalid, 404: errors.missingThread, 409: errors.busy, 503: errors.retryable },
      },
      config: { role: "approver" },
    },
    async (request, reply) => {
      const { thread_id } = request.params;
      const decision = request.body;
      const principal = principalOf(request);
      const actor = actorOf(request);
      return respond(request, reply, (onProgress) =>
        decideAudited({ planner, audit, log: request.log }, { principal, actor, thread_id, decision, follow: { onProgress } }),
      );
    },
  );

  app.post(
    "/architect/plan/:thread_id/answer",
    {
      schema: {
        ...thread,
        summary: "Answer the clarify questions of a plan described in plain language",
        description: `${streamed} The run waits (WAIT_FOR_ANSWER) when its description leaves the budget, availability, workload kind or environment unstated; \`answers\` by field path, or \`accept_defaults: true\`. A wrong answer is a 400 naming \`answers.<path>\`, and the questions keep waiting.`,
        body: answerBodySchema,
        response: { 200: runAnswer, 400: errors.invalid, 404: errors.missingThread, 409: errors.busy },
      },
      config: { role: "planner" },
    },
    async (request, reply) => {
      const { thread_id } = request.params;
      const principal = principalOf(request);
      return respond(request, reply, async (onProgress) => {
        const run = await planner.answer(thread_id, principal.tenant, request.body, { onProgress }, principal.name);
        await audited(request, () =>
          audit.record({
            tenant: principal.tenant,
            actor: actorOf(request),
            action: "clarify.answer",
            target: thread_id,
            detail: { answers: request.body.answers ?? {}, accept_defaults: request.body.accept_defaults ?? false, status: run.status },
          }),
        );
        return run;
      });
    },
  );

  app.post(
    "/architect/interpret",
    {
      schema: {
        tags: ["planning"],
        summary: "Read a goal written in plain language, without starting a run",
        description:
          "What the description states (each field with the text it came from), the deciding facts it leaves out (each with a question and a default), and the goal those make: show it for confirmation, then POST /architect/plan with the goal (or the prompt).",
        body: z.object({ prompt: promptSchema }).strict(),
        response: { 200: json(interpretationSchema, "How the description reads"), 400: errors.invalid },
      },
      config: { role: "planner" },
    },
    async (request) => {
      // the same reader a run uses: the model chain when configured (charged to the tenant's budget), else the extractor
      const tenant = tenantOf(request);
      const scope = { tenant, run: `interpret-${request.id}` };
      const budget = deps.tokenBudget;
      const spend = makeModelSpend({ check: () => budget.check(scope), charge: (tokens) => budget.charge(scope, tokens) });
      const { reading, notes } = await readPrompt(request.body.prompt, { models: deps.models, spend });
      await spend.settle();
      const built = goalFromInterpretation(reading as Interpretation);
      return {
        reading: notes.length ? { ...reading, notes } : reading,
        goal: built.ok ? built.goal : null,
        assumed: built.ok ? built.assumed : [],
        problems: built.ok ? [] : (validationError(built.error).issues ?? []),
      };
    },
  );

  app.post(
    "/architect/plan/:thread_id/rollback",
    {
      schema: {
        ...thread,
        summary: "Revert the applied commit of a DONE plan",
        body: rollbackBodySchema,
        response: { 200: json(runViewSchema, "Rolled back"), 400: errors.invalid, 404: errors.missingThread, 409: errors.busy, 503: errors.retryable },
      },
      config: { role: "approver" },
    },
    async (request) => {
      const { thread_id } = request.params;
      const body = request.body;
      // the rollback SLA (atlas_rollback_seconds) runs from here
      const run = await planner.rollback(thread_id, tenantOf(request), { ...body, requested_at: deps.clock().toISOString() });
      await audited(request, () =>
        audit.record({
          tenant: tenantOf(request),
          actor: actorOf(request),
          action: "rollback",
          target: thread_id,
          detail: { plan_id: run.plan_id, by: body.by, reason: body.reason, status: run.status, reverted: run.applied?.commit ?? null },
        }),
      );
      return run;
    },
  );
};
