import { z } from "zod";

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
    approver: z.string().trim().min(1).max(200),
    comment: z.string().max(4000).optional(),
    /** for `revise`: changes to the goal, merged over it (e.g. a new budget) */
    changes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((value) => value.decision !== "revise" || Boolean(value.comment || value.changes), {
    message: "a revise decision needs a comment or changes",
    path: ["comment"],
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
