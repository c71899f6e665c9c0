import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { planFolder } from "../../lib/gitops.js";
import { renderArtifacts } from "../../nodes/builder/engine.js";
import { validateArtifacts } from "../../nodes/validator/check.js";
import { planSpecSchema } from "../../schemas/plan.js";
import { artifactFileSchema, artifactSignatureSchema, validationReportSchema } from "../../schemas/reports.js";
import type { ServerDeps } from "../deps.js";
import { tenantOf } from "../plugins/auth.js";
import { errors, json } from "../responses.js";

export const buildBodySchema = z.object({ plan: planSpecSchema }).strict();

export const buildResponseSchema = z.object({
  plan_id: z.string(),
  plan_version: z.number().int(),
  digest: z.string(),
  signature: artifactSignatureSchema,
  files: z.array(artifactFileSchema),
  validation: validationReportSchema,
});

/**
 * `POST /architect/build`: the builder and the validator on a design the caller already has (a
 * PlanSpec, e.g. a run's `plan` edited, with its own `runtime_components`), without a planning run:
 * the same files a run would commit (signed with this deployment's key) and the same validation
 * report. Nothing is stored; a plan the builder cannot render as written is a 400 naming the field.
 */
export const buildRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const schema = {
    tags: ["planning"],
    summary: "Build and validate the artifacts of an existing design (a PlanSpec), without a planning run",
    description:
      "Terraform, Kubernetes base and overlays, the Helm chart, delivery pipelines: the files a run commits for this plan, each with its " +
      "SHA-256 and content, the digest signed with this deployment's key, and the validator's report (`status` PASS or FAIL, findings, cost). Nothing is stored.",
    body: buildBodySchema,
    response: { 200: json(buildResponseSchema, "The files, the signed digest and the validation report"), 400: errors.invalid },
  };
  app.post("/architect/build", { schema, config: { role: "planner" } }, async (request) => {
    const { plan } = request.body;
    const planDir = planFolder({ tenant: tenantOf(request), planId: plan.plan_id });
    const built = withPathPrefix(() => renderArtifacts(plan, deps.orgPolicy?.conventions, { planDir }), "plan");
    const validation = await validateArtifacts(built, {
      environment: plan.environment,
      region: plan.region,
      budgetUsd: plan.cost.budget_usd,
      orgPolicy: deps.orgPolicy,
    });
    return {
      plan_id: built.plan_id,
      plan_version: built.plan_version,
      digest: built.digest,
      signature: deps.signer.sign(built.digest),
      files: built.files,
      validation,
    };
  });
};

/** Runs `build`; a builder refusal's issue paths are made to name the body's field (`cloud` → `plan.cloud`). */
function withPathPrefix<T>(build: () => T, prefix: string): T {
  try {
    return build();
  } catch (error) {
    const issues = (error as { issues?: { path: string; message: string }[] }).issues;
    if (Array.isArray(issues)) for (const issue of issues) issue.path = issue.path ? `${prefix}.${issue.path}` : prefix;
    throw error;
  }
}
