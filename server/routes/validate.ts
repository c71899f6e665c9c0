import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { gateCost } from "../../nodes/validator/cost-gate.js";
import { validateIac } from "../../policies/engine.js";
import { defaultOrgPolicy } from "../../policies/org-policy-schema.js";
import { defaultPricingRegion } from "../../pricing/clouds.js";
import { parseResourceUsage } from "../../pricing/usage-file.js";
import { costSectionSchema, findingSchema } from "../../schemas/reports.js";
import type { ServerDeps } from "../deps.js";
import { errors, json } from "../responses.js";

export const validateBodySchema = z
  .object({
    files: z
      .array(
        z
          .object({
            path: z
              .string()
              .min(1)
              .max(500)
              .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\0]+$/, "a relative path without .. segments"),
            content: z.string().max(512 * 1024),
          })
          .strict(),
      )
      .min(1)
      .max(500),
    environment: z.enum(["dev", "staging", "prod"]).optional(),
    /** region whose prices to use; when absent, the region the Terraform names (aws provider, azurerm `location`, google `region`), else us-east-1, eastus or us-central1 */
    region: z.string().optional(),
    /** monthly budget in USD: over it, or anything unpriced (unless `allow_unpriced`), the status is FAIL */
    budget_usd: z.number().min(0.01).max(1e9).optional(),
    /** accept an incomplete total under a budget instead of failing on unpriced resources */
    allow_unpriced: z.boolean().optional(),
    /** monthly usage per resource address: an Infracost usage file's `resource_usage` map */
    usage: z
      .record(z.string(), z.unknown())
      .superRefine((usage, ctx) => {
        const parsed = parseResourceUsage(usage);
        if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message, path: parsed.path === "" ? [] : [parsed.path] });
      })
      .optional(),
  })
  .strict();

export const validateResponseSchema = z.object({
  status: z.enum(["PASS", "FAIL"]),
  summary: z.record(z.string(), z.number().int()),
  findings: z.array(findingSchema),
  skipped: z.array(z.unknown()),
  resources: z.number().int(),
  kubernetes_objects: z.number().int(),
  /** totals, per-resource lines and what could not be priced (everything, for a region without prices) */
  cost: costSectionSchema,
});

/**
 * `POST /architect/validate`: the validator on uploaded Terraform / Kubernetes files that Atlas
 * did not write. Same rules and organisation policy as the graph's validator node, plus a cost estimate.
 */
export const validateRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const schema = {
    tags: ["validation"],
    summary: "The validator and a cost estimate on uploaded Terraform / Kubernetes files",
    description:
      "The same rules and organisation policy as the graph's validator node. `cost` lists what could not be priced (all of it for a region " +
      "without prices); with `budget_usd`, an unpriced resource makes the status FAIL unless `allow_unpriced`.",
    body: validateBodySchema,
    response: { 200: json(validateResponseSchema, "OK"), 400: errors.invalid },
  };
  app.post("/architect/validate", { schema, config: { role: "viewer" } }, async (request) => {
    const body = request.body;
    const report = await validateIac(body.files, {
      ...(body.environment ? { environment: body.environment } : {}),
      ...(deps.orgPolicy ? { policy: deps.orgPolicy } : {}),
    });
    const policy = deps.orgPolicy ?? defaultOrgPolicy();
    const usage = body.usage ? parseResourceUsage(body.usage) : undefined;
    const gated = gateCost(report, report.resources, {
      // the region asked for, else the one the Terraform names (aws provider, azurerm location, google region), else the cloud's default
      region: body.region ?? defaultPricingRegion(report.resources, report.regions),
      usage: usage?.ok ? usage.usage : undefined,
      budgetUsd: body.budget_usd ?? null,
      allowUnpriced: body.allow_unpriced === true,
      failOn: policy.fail_on,
      unpricedSeverity: policy.severity_overrides.COST_UNPRICED,
    });
    return {
      status: gated.status,
      summary: gated.summary,
      findings: gated.findings,
      skipped: report.skipped,
      resources: report.resources.length,
      kubernetes_objects: report.objects.length,
      cost: gated.cost,
    };
  });
};
