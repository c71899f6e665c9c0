import { z } from "zod";
import { isOneLine, jsonProblem } from "../lib/validation.js";

const severity = z.enum(["critical", "high", "medium", "low", "info"]);

/** One problem the validator found. */
export const findingSchema = z
  .object({
    rule_id: z.string(),
    aliases: z.array(z.string()),
    severity,
    resource: z.string(),
    file: z.string(),
    line: z.number().int().nullable(),
    message: z.string(),
    remediation: z.string(),
    /** true when the rule could not decide because a deciding value is unknown ("Cannot verify") */
    unverified: z.literal(true).optional(),
  })
  .strict();

/**
 * The cost section of every validation report (CLI `--json`, `POST /architect/validate`, the
 * graph's validator node). Totals are priced lines only: what could not be priced is listed in
 * `unpriced`, never counted as $0 silently, and `unpriced_gate` says what it did to the status.
 */
export const costSectionSchema = z
  .object({
    region: z.string(),
    /** the price sheet's version; null for a region without one (then every cost is unpriced) */
    price_version: z.string().nullable(),
    monthly_total_usd: z.number(),
    /** lines that depend only on configuration (instances, hours, provisioned storage) */
    fixed_monthly_usd: z.number(),
    /** usage-based lines priced from supplied usage figures */
    usage_monthly_usd: z.number(),
    /** null when no budget was given */
    budget_usd: z.number().nullable(),
    /** OK below 80 % of the budget, WARN up to 100 %, OVER above; null without a budget */
    status: z.enum(["OK", "WARN", "OVER"]).nullable(),
    resources: z.array(z.object({ address: z.string(), type: z.string(), monthly_usd: z.number(), fixed_usd: z.number(), usage_usd: z.number() }).strict()),
    unpriced: z.array(z.object({ address: z.string(), type: z.string(), reason: z.string() }).strict()),
    /** resources with no fixed charge whose usage has no price here (e.g. ECR storage) */
    usage_only: z.array(z.object({ address: z.string(), type: z.string(), note: z.string() }).strict()),
    /** usage-based lines left out of the total: no usage figure, or usage-only resources */
    usage_based_items: z.number().int(),
    allow_unpriced: z.boolean(),
    /**
     * none: nothing unpriced; fail: a budget is set and something is unpriced, so the status is FAIL;
     * allowed: the same, accepted by `allow_unpriced`; no_budget: unpriced, reported as findings only
     */
    unpriced_gate: z.enum(["none", "fail", "allowed", "no_budget"]),
  })
  .strict();

export const validationReportSchema = z
  .object({
    status: z.enum(["PASS", "FAIL"]),
    plan_version: z.number().int(),
    findings: z.array(findingSchema),
    summary: z.record(z.string(), z.number().int()),
    // Reports stored before the full cost section carried only the first four fields: the rest stay optional.
    cost: costSectionSchema.partial({
      region: true,
      price_version: true,
      fixed_monthly_usd: true,
      usage_monthly_usd: true,
      resources: true,
      unpriced: true,
      usage_only: true,
      allow_unpriced: true,
      unpriced_gate: true,
    }),
    checked_files: z.number().int(),
  })
  .strict();

/** Who answers, as a commit trailer and the audit log hold it: one line, at most 200 characters. */
const personName = z.string().trim().min(1).max(200).refine(isOneLine, "one line without control characters");

/** The fields every approval answer has, whoever sends it (see approvalDecisionSchema). */
export const decisionFields = {
  decision: z.enum(["approve", "reject", "revise"]),
  comment: z.string().max(4000).optional(),
  /**
   * for `revise`: changes to the goal as a JSON Merge Patch (RFC 7386): objects merge, `null`
   * removes a field, anything else replaces it (e.g. `{ "budget": { "monthly_usd": 900 } }`)
   */
  changes: z
    .record(z.string(), z.unknown())
    .superRefine((changes, ctx) => {
      const problem = jsonProblem(changes);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
};

/** The rules between the decision and its comment or changes, for every schema built on decisionFields. */
export function withDecisionRules<T extends z.ZodType<{ decision: "approve" | "reject" | "revise"; comment?: string | undefined; changes?: unknown }>>(
  schema: T,
) {
  return schema
    .refine((value) => value.decision !== "revise" || Boolean(value.comment || value.changes), {
      message: "a revise decision needs a comment or changes",
      path: ["comment"],
    })
    .refine((value) => value.decision === "revise" || value.changes === undefined, {
      message: "only a revise decision takes changes",
      path: ["changes"],
    });
}

/**
 * A reviewer's answer to the approval interrupt. `approver` is the identity that decided: the
 * API key's name (with its id in `approver_key_id`), the Slack user's mapped approver, or
 * `cli:<os user>` for `pnpm plan --approve`; it is set by whoever authenticated the caller, never
 * taken from the caller's free text, which is kept as `approver_note`.
 */
export const approvalDecisionSchema = withDecisionRules(
  z
    .object({
      decision: decisionFields.decision,
      /** who decided: the authenticated key's name (or the Slack approver, or `cli:<user>`) */
      approver: personName,
      comment: decisionFields.comment,
      changes: decisionFields.changes,
      /** the id of the key that decided; null when no key did (Slack, the CLI, authentication off) */
      approver_key_id: z.string().min(1).max(200).nullable().optional(),
      /** what the caller said about who approves (free text), or where the decision came from (`slack:<user id>`); never the identity */
      approver_note: personName.optional(),
    })
    .strict(),
);

export const artifactFileSchema = z
  .object({
    path: z.string(),
    kind: z.enum(["terraform", "kubernetes", "helm", "delivery", "bicep", "doc"]),
    sha256: z.string().length(64),
    bytes: z.number().int(),
    content: z.string(),
  })
  .strict();

/** One file of a signed build: its path and the SHA-256 of its UTF-8 bytes. */
export const signedFileSchema = z.object({ path: z.string(), sha256: z.string().length(64) }).strict();

/**
 * An Ed25519 signature over a build's artifact digest (lib/signing.ts). `key_id` is the first 16
 * hex digits of the SHA-256 of the public key's SPKI DER; `signed` is the digest signed (the
 * signature is over its UTF-8 bytes). ATLAS-SIGNATURE.json adds `files` so a verifier can name the
 * file that changed; the state leaves it out (its files already carry their SHA-256).
 */
export const artifactSignatureSchema = z
  .object({
    algorithm: z.literal("ed25519"),
    key_id: z.string().regex(/^[0-9a-f]{16}$/),
    public_key: z.string(),
    signature: z.string().min(1),
    signed: z.string().length(64),
    files: z.array(signedFileSchema).optional(),
  })
  .strict();

export const buildArtifactsSchema = z
  .object({
    plan_id: z.string(),
    plan_version: z.number().int(),
    trace_id: z.string(),
    files: z.array(artifactFileSchema),
    digest: z.string().length(64),
    /** the builder's signature over `digest`; absent in checkpoints from before builds were signed */
    signature: artifactSignatureSchema.optional(),
  })
  .strict();

export type Finding = z.infer<typeof findingSchema>;
export type ValidationReport = z.infer<typeof validationReportSchema>;
export type CostSection = z.infer<typeof costSectionSchema>;
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;
export type ArtifactFile = z.infer<typeof artifactFileSchema>;
export type BuildArtifacts = z.infer<typeof buildArtifactsSchema>;
export type ArtifactSignatureRecord = z.infer<typeof artifactSignatureSchema>;
