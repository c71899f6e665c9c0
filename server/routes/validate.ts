import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { validateIac } from "../../policies/engine.js";
import { estimateCost, SUPPORTED_REGIONS } from "../../pricing/index.js";
import { findingSchema } from "../../schemas/reports.js";
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
    region: z.string().optional(),
  })
  .strict();

export const validateResponseSchema = z.object({
  status: z.enum(["PASS", "FAIL"]),
  summary: z.record(z.string(), z.number().int()),
  findings: z.array(findingSchema),
  skipped: z.array(z.unknown()),
  resources: z.number().int(),
  kubernetes_objects: z.number().int(),
  /** Infracost-like estimate; null for a region without prices */
  cost: z.record(z.string(), z.unknown()).nullable(),
});

/**
 * `POST /architect/validate`: the validator on uploaded Terraform / Kubernetes files that Atlas
 * did not write. Same rules and organisation policy as the graph's validator node, plus a cost estimate.
 */
export const validateRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const schema = {
    tags: ["validation"],
    summary: "The validator and a cost estimate on uploaded Terraform / Kubernetes files",
    description: "The same rules and organisation policy as the graph's validator node; `cost` is null for a region without prices.",
    body: validateBodySchema,
    response: { 200: json(validateResponseSchema, "OK"), 400: errors.invalid },
  };
  app.post("/architect/validate", { schema, config: { role: "viewer" } }, async (request) => {
    const body = request.body;
    const report = await validateIac(body.files, {
      ...(body.environment ? { environment: body.environment } : {}),
      ...(deps.orgPolicy ? { policy: deps.orgPolicy } : {}),
    });
    const region = body.region ?? "us-east-1";
    const cost = SUPPORTED_REGIONS.includes(region) ? estimateCost(report.resources, { region }) : null;
    return {
      status: report.status,
      summary: report.summary,
      findings: report.findings,
      skipped: report.skipped,
      resources: report.resources.length,
      kubernetes_objects: report.objects.length,
      cost,
    };
  });
};
