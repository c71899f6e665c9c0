import { posix } from "node:path";
import { evaluateResource, expandInstances, instanceSuffix, makeScope, resolveVariables } from "./evaluate.js";
import { evaluateValue, withNames } from "./hcl-expr-eval.js";
import type { IacFile, TerraformResource } from "./types.js";

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

/** Where one module instance sits: its root folder (where `file()` paths start) and its address prefix. */
interface Placement {
  root: string;
  prefix: string;
  stack: string[];
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
 * A module call with a known `count` / `for_each` is evaluated once per instance
 * (`module.<name>[0].`, `module.<name>["key"].`), `count.index` / `each.*` visible to its inputs.
 * Registry and git sources cannot be fetched offline: they are reported, not evaluated.
 * `files` (the validated folder's) are what `file()` and `templatefile()` can read.
 */
export function evaluateFolders(
  folders: ReadonlyMap<string, FolderBlocks>,
  given: Readonly<Record<string, unknown>>,
  files: readonly IacFile[] = [],
): EvaluatedBlocks {
  const contents = new Map(files.map((file) => [file.path, file.content]));
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
    instantiate(folders, contents, folder, variables, { root: folder, prefix: folder ? `module.${folder}.` : "", stack: [folder] }, out);
  }
  return out;
}

/**
 * `path.module` relative to the root module's folder, which is where Terraform runs (so where
 * `file()` paths start); `path.root` and `path.cwd` are that folder.
 */
function scopeContext(contents: ReadonlyMap<string, string>, root: string, folder: string) {
  const module = posix.relative(root || ".", folder || ".") || ".";
  const readFile = (path: string): string | undefined => {
    if (posix.isAbsolute(path)) return undefined;
    const inFolder = posix.normalize(posix.join(root || ".", path));
    return contents.get(inFolder);
  };
  return { paths: { module, root: ".", cwd: "." }, readFile };
}

function instantiate(
  folders: ReadonlyMap<string, FolderBlocks>,
  contents: ReadonlyMap<string, string>,
  folder: string,
  variables: Map<string, unknown>,
  { root, prefix, stack }: Placement,
  out: EvaluatedBlocks,
): void {
  const blocks = folders.get(folder) as FolderBlocks;
  const scope = makeScope(variables, blocks.locals, scopeContext(contents, root, folder));
  const place = (resource: TerraformResource) => ({ ...resource, address: prefix + resource.address });
  for (const [from, to] of [
    [blocks.resources, out.resources],
    [blocks.dataSources, out.dataSources],
    [blocks.providers, out.providers],
  ] as const) {
    for (const resource of from) to.push(...evaluateResource(resource, scope).map(place));
  }
  out.variables.push(...blocks.variables.map(place));
  for (const call of blocks.calls) {
    const source = typeof call.attributes.source === "string" ? call.attributes.source : String(call.attributes.source);
    const report = { address: `${prefix}module.${call.name}`, name: call.name, source, file: call.file, line: call.line };
    const instances = expandInstances(call.attributes, scope);
    if (instances?.length === 0) continue;
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
    const target_blocks = folders.get(target) as FolderBlocks;
    // An unknown count / for_each: one instance, its inputs evaluated without count.index / each.
    for (const { key, names } of instances ?? [{ key: null, names: {} }]) {
      const inputs: Record<string, unknown> = {};
      const callScope = withNames(scope, names);
      for (const [name, value] of Object.entries(call.attributes)) if (!META_ARGUMENTS.has(name)) inputs[name] = evaluateValue(value, callScope);
      const placement = { root, prefix: `${report.address}${instanceSuffix(key)}.`, stack: [...stack, target] };
      instantiate(folders, contents, target, resolveVariables(target_blocks.variables, [], inputs), placement, out);
    }
  }
}

/** The folder a `./` or `../` source points at, relative to the validated folder; null for other sources. */
export function localTarget(folder: string, source: unknown): string | null {
  if (typeof source !== "string" || !/^\.\.?\//.test(source)) return null;
  const joined = posix.normalize(posix.join(folder || ".", source)).replace(/\/+$/, "");
  if (joined === "." || joined === "") return "";
  return joined.startsWith("../") || joined === ".." ? `<outside>/${joined}` : joined;
}
