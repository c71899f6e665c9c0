import { LineCounter, type Node, parseDocument } from "yaml";
import type { IacFile } from "./types.js";
import { lineIndex, toPointer } from "./yaml-lines.js";

/**
 * Structural checks of CI/CD pipeline files: GitHub Actions workflows and Azure DevOps
 * pipelines, parsed as YAML and checked for the keys each platform requires before it will run
 * the file at all (from GitHub's "Workflow syntax for GitHub Actions" and Microsoft's "YAML
 * schema reference for Azure Pipelines"). Not a full schema: expressions, inputs of actions and
 * tasks, and templates pulled from elsewhere are not evaluated.
 */

type Obj = Record<string, unknown>;
type Path = (string | number)[];

/** The CI/CD platforms whose pipeline files are recognised. */
export type PipelinePlatform = "github-actions" | "azure-pipelines";

/** One problem in a pipeline file. */
export interface PipelineIssue {
  file: string;
  /** 1-based line of the offending key, else of the document */
  line: number;
  /** what the issue is about, e.g. `jobs.deploy.steps[2]` */
  where: string;
  message: string;
}

/** A pipeline file read as YAML, with its line index; null `value` when the YAML does not parse. */
export interface PipelineFile {
  file: string;
  platform: PipelinePlatform;
  value: unknown;
  lines: Record<string, number>;
}

/**
 * The platform of a pipeline file by its path: GitHub workflows live in `.github/workflows/`
 * (Atlas's builder also writes `pipelines/github-actions/`); Azure pipelines are named
 * `azure-pipelines*.yml`. Other YAML is not a pipeline.
 */
export function pipelinePlatform(path: string): PipelinePlatform | null {
  if (/(^|\/)(\.github\/workflows|pipelines\/github-actions)\/[^/]+\.ya?ml$/i.test(path)) return "github-actions";
  if (/(^|\/)azure-pipelines[^/]*\.ya?ml$/i.test(path)) return "azure-pipelines";
  return null;
}

/**
 * Reads the pipeline files among `files`. A file whose YAML does not parse is left out: the
 * Kubernetes parser already reports its syntax error (IAC_PARSE_ERROR) for every YAML file.
 */
export function readPipelines(files: readonly IacFile[]): PipelineFile[] {
  const out: PipelineFile[] = [];
  for (const file of files) {
    const platform = pipelinePlatform(file.path);
    if (!platform) continue;
    const counter = new LineCounter();
    const doc = parseDocument(file.content, { lineCounter: counter });
    if (doc.errors.length > 0) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      continue;
    }
    out.push({ file: file.path, platform, value, lines: lineIndex(doc.contents as Node | null, counter) });
  }
  return out;
}

/** Issues with the keys the file's platform requires. */
export function checkPipeline(pipeline: PipelineFile): PipelineIssue[] {
  const issues: PipelineIssue[] = [];
  const report = (path: Path, message: string) => issues.push({ file: pipeline.file, line: lineOf(pipeline, path), where: describePath(path), message });
  if (!isObj(pipeline.value)) {
    report([], "is not a YAML mapping");
    return issues;
  }
  if (pipeline.platform === "github-actions") checkGithubWorkflow(pipeline.value, report);
  else checkAzurePipeline(pipeline.value, report);
  return issues;
}

type Report = (path: Path, message: string) => void;

function checkGithubWorkflow(workflow: Obj, report: Report): void {
  // YAML 1.1 parsers read a bare `on` as true; this one (YAML 1.2) keeps it a string, but either works on GitHub.
  if (!("on" in workflow) && !("true" in workflow)) report([], "has no `on` (the events that trigger the workflow)");
  if (!isObj(workflow.jobs) || Object.keys(workflow.jobs).length === 0) {
    report(["jobs"], "has no `jobs` mapping with at least one job");
    return;
  }
  const jobIds = Object.keys(workflow.jobs);
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const path: Path = ["jobs", id];
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id)) report(path, `job id "${id}" must start with a letter or _ and hold only letters, digits, - and _`);
    if (!isObj(job)) {
      report(path, "is not a mapping");
      continue;
    }
    for (const need of asList(job.needs)) {
      if (typeof need !== "string" || !jobIds.includes(need)) report([...path, "needs"], `needs "${String(need)}", which is not a job of this workflow`);
    }
    if (typeof job.uses === "string") {
      // a reusable workflow call: no runner, no steps of its own
      if ("steps" in job) report([...path, "steps"], "calls a reusable workflow (`uses`) and cannot also have `steps`");
      continue;
    }
    if (!("runs-on" in job)) report(path, "has neither `runs-on` (a runner) nor `uses` (a reusable workflow)");
    if (!Array.isArray(job.steps) || job.steps.length === 0) {
      report([...path, "steps"], "has no `steps` list");
      continue;
    }
    for (const [index, step] of job.steps.entries()) {
      const stepPath: Path = [...path, "steps", index];
      const kinds = isObj(step) ? ["uses", "run"].filter((key) => key in step) : [];
      if (!isObj(step)) report(stepPath, "is not a mapping");
      else if (kinds.length !== 1)
        report(stepPath, kinds.length === 0 ? "has neither `uses` nor `run`" : "has both `uses` and `run`; a step is one or the other");
    }
  }
}

/** The keys one of which makes a mapping an Azure Pipelines step. */
const AZURE_STEP_KEYS = [
  "script",
  "bash",
  "pwsh",
  "powershell",
  "task",
  "checkout",
  "download",
  "downloadBuild",
  "getPackage",
  "publish",
  "template",
  "reviewApp",
];

function checkAzurePipeline(pipeline: Obj, report: Report): void {
  if ("stages" in pipeline) {
    if (!Array.isArray(pipeline.stages) || pipeline.stages.length === 0) {
      report(["stages"], "must be a non-empty list");
      return;
    }
    const names = pipeline.stages.filter(isObj).map((stage) => stage.stage);
    for (const [index, stage] of pipeline.stages.entries()) checkAzureStage(stage, ["stages", index], names, report);
  } else if ("jobs" in pipeline) {
    checkAzureJobs(pipeline.jobs, ["jobs"], report);
  } else if ("steps" in pipeline) {
    checkAzureSteps(pipeline.steps, ["steps"], report);
  } else if (typeof pipeline.extends !== "object") {
    report([], "has none of `stages`, `jobs`, `steps` or `extends`");
  }
}

function checkAzureStage(stage: unknown, path: Path, names: unknown[], report: Report): void {
  if (!isObj(stage)) {
    report(path, "is not a mapping");
    return;
  }
  if (typeof stage.template === "string") return;
  if (typeof stage.stage !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(stage.stage)) {
    report(path, "needs `stage:` with a name of letters, digits and _ (not starting with a digit)");
  }
  for (const dependency of asList(stage.dependsOn)) {
    if (typeof dependency !== "string" || !names.includes(dependency)) {
      report([...path, "dependsOn"], `depends on "${String(dependency)}", which is not a stage of this pipeline`);
    }
  }
  checkAzureJobs(stage.jobs, [...path, "jobs"], report);
}

function checkAzureJobs(jobs: unknown, path: Path, report: Report): void {
  if (!Array.isArray(jobs) || jobs.length === 0) {
    report(path, "must be a non-empty list of jobs");
    return;
  }
  const names = jobs.filter(isObj).map((job) => job.job ?? job.deployment);
  for (const [index, job] of jobs.entries()) checkAzureJob(job, [...path, index], names, report);
}

function checkAzureJob(job: unknown, path: Path, names: unknown[], report: Report): void {
  if (!isObj(job)) {
    report(path, "is not a mapping");
    return;
  }
  if (typeof job.template === "string") return;
  const kinds = ["job", "deployment"].filter((key) => key in job);
  if (kinds.length !== 1) {
    report(path, "needs exactly one of `job:` or `deployment:`");
    return;
  }
  for (const dependency of asList(job.dependsOn)) {
    if (typeof dependency !== "string" || !names.includes(dependency)) {
      report([...path, "dependsOn"], `depends on "${String(dependency)}", which is not a job of this stage`);
    }
  }
  if ("deployment" in job) checkAzureDeployment(job, path, report);
  else if ("steps" in job) checkAzureSteps(job.steps, [...path, "steps"], report);
  else report(path, "is a job without `steps`");
}

/** A deployment job: an environment, and one strategy whose `deploy` hook has steps. */
function checkAzureDeployment(job: Obj, path: Path, report: Report): void {
  if (!("environment" in job)) report(path, "is a deployment job without `environment`");
  if (!isObj(job.strategy)) {
    report(path, "is a deployment job without `strategy` (runOnce, rolling or canary)");
    return;
  }
  const strategies = Object.entries(job.strategy).filter(([name]) => ["runOnce", "rolling", "canary"].includes(name));
  const [only] = strategies;
  if (strategies.length !== 1 || !only) {
    report([...path, "strategy"], "needs exactly one of runOnce, rolling or canary");
    return;
  }
  const [name, strategy] = only;
  if (!isObj(strategy)) {
    report([...path, "strategy", name], "is not a mapping");
    return;
  }
  if (!isObj(strategy.deploy) || !("steps" in strategy.deploy)) report([...path, "strategy", name], "has no `deploy:` hook with `steps`");
  for (const [hook, body] of Object.entries(strategy)) {
    if (isObj(body) && "steps" in body) checkAzureSteps(body.steps, [...path, "strategy", name, hook, "steps"], report);
  }
}

function checkAzureSteps(steps: unknown, path: Path, report: Report): void {
  if (!Array.isArray(steps) || steps.length === 0) {
    report(path, "must be a non-empty list of steps");
    return;
  }
  for (const [index, step] of steps.entries()) {
    const stepPath: Path = [...path, index];
    const kinds = isObj(step) ? AZURE_STEP_KEYS.filter((key) => key in step) : [];
    if (!isObj(step)) report(stepPath, "is not a mapping");
    else if (kinds.length === 0) report(stepPath, `is not a step: it needs one of ${AZURE_STEP_KEYS.join(", ")}`);
    else if (kinds.length > 1) report(stepPath, `mixes step kinds ${kinds.join(" and ")}`);
  }
}

/** A reference to an action, a reusable workflow or a task that may change under the pipeline. */
export interface UnpinnedReference {
  file: string;
  line: number;
  where: string;
  reference: string;
  message: string;
}

const SHA = /^[0-9a-f]{40}$/;
/** `v4`, `v4.1`, `1.2.3`, `v2.0.0-beta.1`: a release tag, not a branch */
const VERSION = /^v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/;

/**
 * Actions and reusable workflows a GitHub workflow does not pin to a version tag or a commit
 * SHA (`uses: owner/repo@main`, or no `@` at all), Docker actions without a tag or digest, and
 * Azure tasks without their `@<major>` version. A branch moves: the pipeline would run code
 * nobody reviewed. Local actions (`./path`) live in the same commit and are pinned by it.
 */
export function unpinnedReferences(pipeline: PipelineFile): UnpinnedReference[] {
  const out: UnpinnedReference[] = [];
  const add = (path: Path, reference: string, message: string) =>
    out.push({ file: pipeline.file, line: lineOf(pipeline, path), where: describePath(path), reference, message });
  const root = pipeline.value;
  if (!isObj(root)) return out;
  if (pipeline.platform === "github-actions") {
    if (!isObj(root.jobs)) return out;
    for (const [id, job] of Object.entries(root.jobs)) {
      if (!isObj(job)) continue;
      if (typeof job.uses === "string") checkUses(job.uses, ["jobs", id, "uses"], add);
      if (!Array.isArray(job.steps)) continue;
      for (const [index, step] of job.steps.entries()) {
        if (isObj(step) && typeof step.uses === "string") checkUses(step.uses, ["jobs", id, "steps", index, "uses"], add);
      }
    }
    return out;
  }
  walkAzureTasks(root, [], (path, task) => {
    if (!/^[^@\s]+@\d+$/.test(task)) add(path, task, `task ${task} has no @<major version>; Azure Pipelines needs it (e.g. ${task.split("@")[0]}@1)`);
  });
  return out;
}

function checkUses(uses: string, path: Path, add: (path: Path, reference: string, message: string) => void): void {
  if (uses.startsWith("./")) return;
  if (uses.startsWith("docker://")) {
    const image = uses.slice("docker://".length);
    const tag = image.includes("@sha256:") ? "digest" : image.slice(image.lastIndexOf("/") + 1).split(":")[1];
    if (!tag || tag === "latest") add(path, uses, `${uses} has no image tag or digest (or uses latest); pin a version or a sha256 digest`);
    return;
  }
  const at = uses.lastIndexOf("@");
  const ref = at < 0 ? "" : uses.slice(at + 1);
  if (ref === "") add(path, uses, `${uses} names no version; pin a release tag or a commit SHA (owner/repo@v4 or @<40-hex sha>)`);
  else if (!SHA.test(ref) && !VERSION.test(ref)) add(path, uses, `${uses} follows "${ref}", a branch or moving ref; pin a release tag or a commit SHA`);
}

function walkAzureTasks(value: unknown, path: Path, visit: (path: Path, task: string) => void): void {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walkAzureTasks(item, [...path, index], visit);
    return;
  }
  if (!isObj(value)) return;
  if (typeof value.task === "string") visit([...path, "task"], value.task);
  for (const [key, child] of Object.entries(value)) if (typeof child === "object") walkAzureTasks(child, [...path, key], visit);
}

function lineOf(pipeline: PipelineFile, path: Path): number {
  for (let length = path.length; length > 0; length--) {
    const line = pipeline.lines[toPointer(path.slice(0, length))];
    if (line !== undefined) return line;
  }
  return 1;
}

/** `["jobs", "deploy", "steps", 2]` → `jobs.deploy.steps[2]` */
function describePath(path: Path): string {
  return path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join("") || "(file)";
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
