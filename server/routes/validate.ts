import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { validateIac } from "../../policies/engine.js";
import { estimateCost, SUPPORTED_REGIONS } from "../../pricing/index.js";
import { parseInput } from "../../lib/validation.js";

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

/**
 * `POST /architect/validate`: the validator on uploaded Terraform / Kubernetes files that Atlas
 * did not write. Same rules and organisation policy as the graph's validator node, plus a cost estimate.
 */
export async function validateRoutes(app: FastifyInstance, { deps }: { deps: ServerDeps }): Promise<void> {
  app.post("/architect/validate", async (request) => {
    const body = parseInput(validateBodySchema, request.body);
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
}
