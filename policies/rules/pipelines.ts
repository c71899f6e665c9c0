import { checkPipeline, readPipelines, unpinnedReferences } from "../../iac/pipelines.js";
import type { Rule } from "../types.js";

/**
 * GitHub Actions workflows and Azure DevOps pipelines have the keys their platform needs to run
 * them (iac/pipelines.ts): a file that breaks one is refused when pushed, or fails at its first run.
 */
export const pipelineSchemaRule: Rule = {
  id: "PIPELINE_SCHEMA",
  title: "CI/CD pipeline is missing keys its platform requires",
  severity: "high",
  aliases: [],
  target: "any",
  remediation:
    "Fix the key named in the message (GitHub: on, jobs.<id>.runs-on or uses, steps with uses or run, needs naming jobs; Azure: stages[].stage, jobs[].job or deployment with environment and strategy, steps with script, task, checkout, ...).",
  check(ctx) {
    return readPipelines(ctx.files).flatMap((pipeline) =>
      checkPipeline(pipeline).map((issue) => ({
        resource: `${pipeline.platform}:${issue.where}`,
        file: issue.file,
        line: issue.line,
        message: `${issue.where} ${issue.message}`,
      })),
    );
  },
};

/** Actions, reusable workflows and tasks pinned to a version or a commit, never a branch. */
export const pipelinePinnedRule: Rule = {
  id: "PIPELINE_UNPINNED_ACTION",
  title: "CI/CD pipeline runs an action or task that is not pinned to a version",
  severity: "medium",
  aliases: [],
  target: "any",
  remediation:
    "Pin each action to a release tag or, better, a full commit SHA (uses: actions/checkout@<sha> # v4), and each Azure task to its major version (Task@1).",
  check(ctx) {
    return readPipelines(ctx.files).flatMap((pipeline) =>
      unpinnedReferences(pipeline).map((ref) => ({ resource: `${pipeline.platform}:${ref.where}`, file: ref.file, line: ref.line, message: ref.message })),
    );
  },
};

/** Rules over CI/CD pipeline files. */
export const pipelineRules: readonly Rule[] = [pipelineSchemaRule, pipelinePinnedRule];
