import { posix } from "node:path";
import { evaluateResource, instanceCount, makeScope, resolveVariables } from "./evaluate.js";
import { evaluateValue } from "./hcl-expr-eval.js";
import type { TerraformResource } from "./types.js";

/** A `module "name" { source = ... }` block as written, before evaluation. */
export interface ModuleCall {
  name: string;
  file: string;
  line: number | null;
  attributes: Record<string, unknown>;
}

/** The blocks of one folder (one Terraform module), with addresses relative to that module. */
export interface FolderBlocks {
  resources: TerraformResource[];
  dataSources: TerraformResource[];
  providers: TerraformResource[];
  variables: TerraformResource[];
  /** every `locals` block of the folder merged */
  locals: Record<string, unknown>;
  calls: ModuleCall[];
  /** `terraform.tfvars` and `*.auto.tfvars` contents, in the order Terraform loads them */
  tfvars: Record<string, unknown>[];
}

/** A module call and whether its resources were read. */
export interface ModuleReport {
  /** `module.rds`, prefixed by the calling module's own address */
  address: string;
  name: string;
  source: string;
  file: string;
  line: number | null;
  evaluated: boolean;
  /** why it was not evaluated */
  reason?: string;
}

/** What evaluating every module gives: blocks at their full addresses, and the module calls. */
export interface EvaluatedBlocks {
  resources: TerraformResource[];
  dataSources: TerraformResource[];
  providers: TerraformResource[];
  variables: TerraformResource[];
  modules: ModuleReport[];
}

/** Arguments of a module block that are Terraform's, not the module's input variables. */
const META_ARGUMENTS = new Set(["source", "version", "count", "for_each", "providers", "depends_on"]);

/** Module calls nest at most this deep (Terraform has no limit; a deeper tree is a cycle in practice). */
const MAX_DEPTH = 16;

/**
 * Evaluates every folder as Terraform would. A folder that a local `module` block calls
 * (`source = "./..."`) is evaluated once per call, with the call's arguments as its variables
 * and addresses `module.<name>.<type>.<name>`; every other folder is a root, evaluated with its
 * tfvars and `given` (`-var` values), addressed as before (`module.<folder>.` below the top).
 * Registry and git sources cannot be fetched offline: they are reported, not evaluated.
 */
export function evaluateFolders(folders: ReadonlyMap<string, FolderBlocks>, given: Readonly<Record<string, unknown>>): EvaluatedBlocks {
  const out: EvaluatedBlocks = { resources: [], dataSources: [], providers: [], variables: [], modules: [] };
  const called = new Set<string>();
  for (const [folder, blocks] of folders) {
    for (const call of blocks.calls) {
      const target = localTarget(folder, call.attributes.source);
      if (target !== null && folders.has(target)) called.add(target);
    }
  }
  const roots = [...folders.keys()].filter((folder) => !called.has(folder)).sort();
  for (const folder of roots) {
    const blocks = folders.get(folder) as FolderBlocks;
    const variables = resolveVariables(blocks.variables, blocks.tfvars, given);
    instantiate(folders, folder, variables, folder ? `module.${folder}.` : "", [folder], out);
  }
  return out;
}

function instantiate(
  folders: ReadonlyMap<string, FolderBlocks>,
  folder: string,
  variables: Map<string, unknown>,
  prefix: string,
  stack: string[],
  out: EvaluatedBlocks,
): void {
  const blocks = folders.get(folder) as FolderBlocks;
  const scope = makeScope(variables, blocks.locals);
  const place = (resource: TerraformResource) => ({ ...resource, address: prefix + resource.address });
  for (const [from, to] of [
    [blocks.resources, out.resources],
    [blocks.dataSources, out.dataSources],
    [blocks.providers, out.providers],
  ] as const) {
    for (const resource of from) {
      const evaluated = evaluateResource(resource, scope);
      if (evaluated) to.push(place(evaluated));
    }
  }
  out.variables.push(...blocks.variables.map(place));
  for (const call of blocks.calls) {
    const source = typeof call.attributes.source === "string" ? call.attributes.source : String(call.attributes.source);
    const report = { address: `${prefix}module.${call.name}`, name: call.name, source, file: call.file, line: call.line };
    if (instanceCount(call.attributes, scope).count === 0) continue;
    const target = localTarget(folder, call.attributes.source);
    const reason =
      target === null
        ? "registry and git modules cannot be fetched offline"
        : !folders.has(target)
          ? `the folder ${target || "."} is not among the files validated`
          : stack.includes(target) || stack.length > MAX_DEPTH
            ? "the module calls itself"
            : undefined;
    out.modules.push(reason ? { ...report, evaluated: false, reason } : { ...report, evaluated: true });
    if (reason || target === null) continue;
    const inputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(call.attributes)) if (!META_ARGUMENTS.has(key)) inputs[key] = evaluateValue(value, scope);
    const target_blocks = folders.get(target) as FolderBlocks;
    instantiate(folders, target, resolveVariables(target_blocks.variables, [], inputs), `${report.address}.`, [...stack, target], out);
  }
}

/** The folder a `./` or `../` source points at, relative to the validated folder; null for other sources. */
export function localTarget(folder: string, source: unknown): string | null {
  if (typeof source !== "string" || !/^\.\.?\//.test(source)) return null;
  const joined = posix.normalize(posix.join(folder || ".", source)).replace(/\/+$/, "");
  if (joined === "." || joined === "") return "";
  return joined.startsWith("../") || joined === ".." ? `<outside>/${joined}` : joined;
}
