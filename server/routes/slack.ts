import type { FastifyRequest, FastifySchemaCompiler } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AtlasError } from "../../lib/errors.js";
import { fetchWithRetry } from "../../lib/http/retry.js";
import type { Actor } from "../../tenants/keys.js";
import type { ServerDeps } from "../deps.js";
import { publicBaseUrl } from "../public-routes.js";
import { errorResponseSchema, json } from "../responses.js";
import { approverFor, parseSlackCommand } from "../slack/commands.js";
import { startSlackNotifier } from "../slack/notifier.js";
import { ephemeral, makeSlackCommandRunner, type SlackReply } from "../slack/run-command.js";
import { makeSeenSlackRequests } from "../slack/seen-requests.js";
import { verifySlackSignature } from "../slack/signature.js";

export type { SlackReply } from "../slack/run-command.js";

/** The form Slack posts for a slash command (the fields Atlas reads; Slack sends more). */
export const slackCommandFormSchema = z
  .object({
    command: z.string().describe("/approve, /reject or /rollback (or /atlas <verb>)"),
    text: z.string().describe("<thread_id> [v<version>] [reason]"),
    user_id: z.string().describe("Slack user id, looked up in SLACK_APPROVERS"),
    response_url: z.string().optional().describe("where a slow command's result is posted"),
  })
  .catchall(z.string());

export const slackReplySchema = z.object({ response_type: z.enum(["ephemeral", "in_channel"]), text: z.string() });

/**
 * The form is read only after Slack's signature over its exact bytes checks out, so the body
 * stays the raw string here: `slackCommandFormSchema` documents it and the handler reads it.
 */
const signedFormBody: FastifySchemaCompiler<unknown> = () => () => true;

/** Slack gives a slash command three seconds; slower work answers later on `response_url`. */
const ACK_MS = 2_500;

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * `POST /slack/commands`: `/approve`, `/reject` and `/rollback` from Slack, verified by Slack's
 * request signature (not an API key), acting as the approver SLACK_APPROVERS maps the user to,
 * in SLACK_TENANT. Also starts the SLACK_WEBHOOK_URL notifier for this server's lifetime.
 */
export const slackRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps; ackMs?: number }> = async (app, { deps, ackMs = ACK_MS }) => {
  const { config } = deps;
  const baseUrl = publicBaseUrl(config);

  if (config.SLACK_WEBHOOK_URL) {
    const notifier = startSlackNotifier({
      events: deps.events,
      webhookUrl: config.SLACK_WEBHOOK_URL,
      baseUrl,
      tenant: config.SLACK_TENANT,
      log: deps.log,
    });
    app.addHook("onClose", async () => notifier.stop());
  }

  // Slack posts forms; the signature covers the exact bytes, so the route gets the raw string.
  // Registered in this plugin only: every other route still answers 415 to a form.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

  const run = makeSlackCommandRunner(deps, baseUrl);
  const seen = makeSeenSlackRequests(deps.db.pool);
  // Commands answered "working on it" that are still running: the close waits for them (within
  // the shutdown's grace), so their result reaches response_url before the database closes.
  const inFlight = new Set<Promise<void>>();
  app.addHook("onClose", async () => {
    await Promise.allSettled(inFlight);
  });

  async function answerLater(responseUrl: string, reply: SlackReply): Promise<void> {
    try {
      await fetchWithRetry(
        responseUrl,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(reply), signal: AbortSignal.timeout(15_000) },
        { attempts: 3 },
      );
    } catch (error) {
      deps.log.warn({ problem: (error as Error).message }, "Slack response_url not reached");
    }
  }

  const schema = {
    tags: ["slack"],
    summary: "/approve, /reject, /rollback from Slack",
    description:
      "Authenticated by Slack's request signature (X-Slack-Signature, X-Slack-Request-Timestamp; older than five minutes is refused, and so is a signature already answered: a replay), not by an API key. The Slack user must be in SLACK_APPROVERS. `/approve <thread_id> v<version>` and `/reject <thread_id> [v<version>] [reason]` are refused unless that plan version is the one waiting.",
    consumes: ["application/x-www-form-urlencoded"],
    body: slackCommandFormSchema,
    response: {
      200: json(slackReplySchema, "What Slack shows (ephemeral to the caller, or in the channel)"),
      401: json(errorResponseSchema, "Missing, forged, stale or replayed signature, or Slack commands are not configured"),
      415: json(errorResponseSchema, "Not a form"),
    },
  };
  app.post("/slack/commands", { schema, validatorCompiler: signedFormBody, config: { public: true } }, async (request, reply): Promise<SlackReply> => {
    const secret = config.SLACK_SIGNING_SECRET;
    if (!secret) throw new AtlasError("UNAUTHENTICATED", "Slack commands are not configured (SLACK_SIGNING_SECRET is unset)");
    // the raw form (see signedFormBody), whatever the documented shape says
    const body: unknown = request.body;
    if (typeof body !== "string") throw new AtlasError("UNSUPPORTED_MEDIA_TYPE", "Slack commands are application/x-www-form-urlencoded");
    const timestamp = header(request, "x-slack-request-timestamp");
    const signature = header(request, "x-slack-signature");
    const check = verifySlackSignature({ secret, timestamp, signature, rawBody: body, now: deps.clock() });
    if (!check.ok) {
      request.log.warn({ reason: check.reason }, "Slack request refused");
      throw new AtlasError("UNAUTHENTICATED", `Slack signature refused: ${check.reason}`);
    }

    const form = new URLSearchParams(body);
    const userId = form.get("user_id") ?? "";
    // A genuine request is answered once: a copy replayed within the window is refused, whichever
    // replica it reaches, before anything in it is read as a command. (Both headers are there:
    // verifySlackSignature refuses a request without either.)
    if (!(await seen.remember(signature as string, Number(timestamp)))) {
      request.log.warn({ slack_user: userId, command: form.get("command"), request_timestamp: timestamp }, "Slack request replayed; refused");
      throw new AtlasError("UNAUTHENTICATED", "Slack request refused: this signed request was already handled (a replay)");
    }
    const approver = approverFor(config.SLACK_APPROVERS, userId);
    if (!approver) {
      request.log.warn({ slack_user: userId, command: form.get("command") }, "Slack user is not an approver");
      return ephemeral(`Sorry, you are not an approver for Atlas (Slack user ${userId || "unknown"} is not in SLACK_APPROVERS).`);
    }
    const command = parseSlackCommand(form.get("command") ?? "", form.get("text") ?? "");
    if ("error" in command) return ephemeral(command.error);
    request.log.info(
      {
        slack_user: userId,
        approver,
        action: command.action,
        thread_id: command.thread_id,
        plan_version: "plan_version" in command ? command.plan_version : undefined,
      },
      "Slack command",
    );

    // who and from where, for the audit log: Slack users have no API key
    const actor: Actor = { keyId: null, name: `${approver} (slack ${userId})`, remoteAddr: request.ip };
    const work = run(command, approver, actor, userId);
    const responseUrl = form.get("response_url");
    if (!responseUrl) return work;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ackMs);
    });
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    if (first) return first;
    const followUp = work
      .then((result) => answerLater(responseUrl, result))
      .catch((error: unknown) => deps.log.error({ err: error }, "Slack command failed after its acknowledgement"))
      .finally(() => inFlight.delete(followUp));
    inFlight.add(followUp);
    reply.status(200);
    return ephemeral(`Working on ${command.action} ${command.thread_id}…`);
  });
};
