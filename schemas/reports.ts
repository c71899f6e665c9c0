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
  })
  .strict();

export const validationReportSchema = z
  .object({
    status: z.enum(["PASS", "FAIL"]),
    plan_version: z.number().int(),
    findings: z.array(findingSchema),
    summary: z.record(z.string(), z.number().int()),
    cost: z
      .object({
        monthly_total_usd: z.number(),
        budget_usd: z.number(),
        status: z.enum(["OK", "WARN", "OVER"]),
        usage_based_items: z.number().int(),
      })
      .strict(),
    checked_files: z.number().int(),
  })
  .strict();

/** A reviewer's answer to the approval interrupt. */
export const approvalDecisionSchema = z
  .object({
    decision: z.enum(["approve", "reject", "revise"]),
    approver: z.string().trim().min(1).max(200).refine(isOneLine, "one line without control characters"),
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
  })
  .strict()
  .refine((value) => value.decision !== "revise" || Boolean(value.comment || value.changes), {
    message: "a revise decision needs a comment or changes",
    path: ["comment"],
  })
  .refine((value) => value.decision === "revise" || value.changes === undefined, {
    message: "only a revise decision takes changes",
    path: ["changes"],
  });

export const artifactFileSchema = z
  .object({
    path: z.string(),
    kind: z.enum(["terraform", "kubernetes", "helm", "doc"]),
    sha256: z.string().length(64),
    bytes: z.number().int(),
    content: z.string(),
  })
  .strict();

export const buildArtifactsSchema = z
  .object({ plan_id: z.string(), plan_version: z.number().int(), trace_id: z.string(), files: z.array(artifactFileSchema), digest: z.string().length(64) })
  .strict();

export type Finding = z.infer<typeof findingSchema>;
export type ValidationReport = z.infer<typeof validationReportSchema>;
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;
export type ArtifactFile = z.infer<typeof artifactFileSchema>;
export type BuildArtifacts = z.infer<typeof buildArtifactsSchema>;
