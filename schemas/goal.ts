import { z } from "zod";
import { componentListSchema } from "./component.js";

export const clouds = ["aws", "gcp", "azure"] as const;
/** Region names as each cloud writes them, with an example for the error message. */
export const REGION_PATTERNS: Readonly<Record<(typeof clouds)[number], { pattern: RegExp; example: string }>> = {
  aws: { pattern: /^[a-z]{2}(-[a-z]+)+-\d$/, example: '"us-east-1" or "eu-west-1"' },
  azure: { pattern: /^[a-z]+[a-z0-9]*$/, example: '"westeurope" or "eastus"' },
  gcp: { pattern: /^[a-z]+-[a-z]+\d+$/, example: '"europe-west1" or "us-central1"' },
};

/** The region a goal gets when it names none: the cloud's usual first region. */
export const DEFAULT_REGIONS: Readonly<Record<(typeof clouds)[number], string>> = { aws: "us-east-1", azure: "eastus", gcp: "us-central1" };

export const environments = ["dev", "staging", "prod"] as const;
export const workloadTypes = ["web-api", "worker", "static-site", "data-pipeline", "internal-service"] as const;

/**
 * What usage prices assume where the goal's workload figures stop. Every field is optional;
 * the stated default is used (and written into the plan's `cost.usage_assumptions`) otherwise.
 */
export const usageAssumptionsSchema = z
  .object({
    /** average load over the month as a share of the peak rate; default 0.3 */
    average_to_peak_ratio: z.number().positive().max(1).optional(),
    /** typical response body, KiB; default payload_kb, else 10 */
    response_kb: z.number().min(0).max(102_400).optional(),
    /** application log written per request or message, KiB; default 1 */
    log_kb_per_request: z.number().min(0).max(1024).optional(),
    /** SQS requests per message (send, receive, delete); default 3 */
    requests_per_message: z.number().min(1).max(100).optional(),
    /** share of static-site requests CloudFront serves from its cache; default 0.9 */
    cache_hit_ratio: z.number().min(0).max(1).optional(),
    /** requests per new client connection (keep-alive) at the load balancer; default 10 */
    requests_per_connection: z.number().min(1).max(100_000).optional(),
    /** compressed container image, GB, pulled through NAT at each task start; default 0.5 */
    image_gb: z.number().min(0).max(50).optional(),
    /** deployments per month of a long-running service (each pulls the image on every task); default 20 */
    deploys_per_month: z.number().min(0).max(10_000).optional(),
  })
  .strict();

/** A goal's name: also the prefix of every resource Atlas names after it. */
export const goalNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, "3-40 characters: lower-case letters, digits and dashes, starting with a letter");

/** What the user wants built: the input of a planning run. */
export const goalStatementSchema = z
  .object({
    name: goalNameSchema,
    description: z.string().trim().min(1).max(4000),
    cloud: z.enum(clouds).default("aws"),
    /** the cloud's own region name: `us-east-1` (aws), `westeurope` (azure), `europe-west1` (gcp); default the cloud's {@link DEFAULT_REGIONS} entry */
    region: z
      .string()
      .min(1)
      .max(40)
      // any cloud's form here; the cloud's own form is checked below (a rule across fields JSON Schema cannot say)
      .regex(/^(?:[a-z]{2}(?:-[a-z]+)+-\d|[a-z]+[a-z0-9]*|[a-z]+-[a-z]+\d+)$/, 'a region name such as "us-east-1", "westeurope" or "europe-west1"')
      .describe('the cloud\'s own region name: aws "us-east-1", azure "westeurope", gcp "europe-west1"; default us-east-1, eastus or us-central1')
      .optional(),
    environment: z.enum(environments),
    workload: z
      .object({
        type: z.enum(workloadTypes),
        /** peak requests per second the service must serve (web-api, internal-service) */
        requests_per_second: z.number().min(0).max(1_000_000).optional(),
        /** typical request or message payload, KiB */
        payload_kb: z.number().min(0).max(102_400).optional(),
        /** data kept in the primary store, GiB */
        data_size_gb: z.number().min(0).max(1_000_000).optional(),
        /** expected monthly growth of traffic and data, percent */
        growth_percent_per_month: z.number().min(0).max(100).default(0),
        /** messages per second through a queue (worker) */
        messages_per_second: z.number().min(0).max(1_000_000).optional(),
        /** batch runs per day (data-pipeline) */
        runs_per_day: z.number().int().min(0).max(1440).optional(),
        /** whether the service keeps relational data */
        needs_database: z.boolean().optional(),
        /** whether a cache helps (hot reads, sessions) */
        needs_cache: z.boolean().optional(),
      })
      .strict(),
    /** overrides for the defaults usage costs are priced from (average load, response size, ...) */
    usage_assumptions: usageAssumptionsSchema.optional(),
    slo: z
      .object({
        /** availability objective in percent, e.g. 99.9 */
        availability: z.number().min(90).max(99.999),
        p95_latency_ms: z.number().positive().max(600_000).optional(),
      })
      .strict(),
    budget: z.object({ monthly_usd: z.number().positive().max(10_000_000) }).strict(),
    constraints: z.array(z.string().min(1).max(200)).max(50).default([]),
    compliance: z
      .array(z.enum(["pci", "hipaa", "soc2", "gdpr", "iso27001"]))
      .max(10)
      .default([]),
    existing_components: z
      .array(z.object({ kind: z.string().min(1), name: z.string().min(1), id: z.string().optional() }).strict())
      .max(50)
      .default([]),
    /**
     * The user's own workloads as the infrastructure-engineer specification writes them (schemas/component.ts):
     * each one rendered verbatim on Kubernetes, in place of the one workload Atlas would size from `workload`.
     */
    components: componentListSchema.optional(),
  })
  .strict()
  .superRefine((goal, ctx) => {
    if (goal.region === undefined) return;
    const { pattern, example } = REGION_PATTERNS[goal.cloud];
    if (!pattern.test(goal.region)) ctx.addIssue({ code: "custom", path: ["region"], message: `a ${goal.cloud} region name such as ${example}` });
  })
  .transform((goal) => ({ ...goal, region: goal.region ?? DEFAULT_REGIONS[goal.cloud] }));

export type GoalStatement = z.infer<typeof goalStatementSchema>;
export type GoalStatementInput = z.input<typeof goalStatementSchema>;

/**
 * Applies a reviewer's `changes` to a goal as a JSON Merge Patch (RFC 7386): objects merge field
 * by field, `null` removes a field, any other value replaces it; then validates the result. A
 * dozen lines rather than a dependency: the merge is the RFC's whole algorithm, and the caller has
 * already bounded the patch's depth and size. Issue paths are the patch's (`changes.budget.monthly_usd`).
 */
export function reviseGoal(goal: GoalStatement, changes: Record<string, unknown>): { ok: true; goal: GoalStatement } | { ok: false; error: z.ZodError } {
  const merged = mergePatch(goal, changes);
  const result = goalStatementSchema.safeParse(merged);
  if (result.success) return { ok: true, goal: result.data };
  return { ok: false, error: new z.ZodError(result.error.issues.map((issue) => ({ ...issue, path: ["changes", ...issue.path] }))) };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The longest goal description Atlas reads. */
export const MAX_PROMPT_CHARS = 4000;
/** A goal in plain language, as people write it (the graph reads it, and asks what it leaves out). */
export const promptSchema = z.string().trim().min(1).max(MAX_PROMPT_CHARS);

/** A goal sent as JSON in a chat message: `{ "goal": GoalStatement }`, or the GoalStatement itself. */
export const unwrapGoal = (json: unknown): unknown =>
  json !== null && typeof json === "object" && !Array.isArray(json) && "goal" in json ? (json as { goal: unknown }).goal : json;
