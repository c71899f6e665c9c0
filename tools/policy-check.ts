import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { validateIac } from "../policies/engine.js";
import type { OrgPolicy } from "../policies/org-policy-schema.js";

export const policyCheckInput = z.object({
  files: z
    .array(z.object({ path: z.string().min(1).describe("relative path, e.g. main.tf"), content: z.string() }))
    .min(1)
    .max(100),
  environment: z.enum(["dev", "staging", "prod"]).optional(),
});

/**
 * LangChain tool: runs the validator's security and policy rules on Terraform / Kubernetes
 * files. Errors come back as `{ status: "error" }` for the model to read.
 */
export function makePolicyCheckTool(orgPolicy?: OrgPolicy) {
  return tool(
    async (input) => {
      try {
        const report = await validateIac(input.files, {
          ...(input.environment ? { environment: input.environment } : {}),
          ...(orgPolicy ? { policy: orgPolicy } : {}),
        });
        return JSON.stringify({
          status: "ok",
          result: report.status,
          findings: report.findings.map((f) => ({
            rule_id: f.rule_id,
            aliases: f.aliases,
            severity: f.severity,
            file: f.file,
            line: f.line,
            message: f.message,
            remediation: f.remediation,
          })),
        });
      } catch (error) {
        return JSON.stringify({ status: "error", message: (error as Error).message });
      }
    },
    {
      name: "policy_check",
      description: "Check Terraform or Kubernetes files against security and organisation policy rules (Checkov/Trivy-equivalent ids).",
      schema: policyCheckInput,
    },
  );
}
