import { readdir, readFile } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import type { IacFile } from "./types.js";

/** Folders that hold tool state or dependencies, never infrastructure code of the project. */
const SKIPPED_DIRS = new Set(["node_modules", ".terraform", ".git"]);

/**
 * True for file names the validator reads: Terraform (HCL or JSON, and tfvars), Kubernetes
 * manifests and kustomizations (`Kustomization` has no extension), and YAML pipelines
 * (`.github/workflows/*.yml`, `azure-pipelines*.yml`, which the folder walk reaches too).
 */
export function isIacFileName(name: string): boolean {
  return /\.(tf|tf\.json|tfvars|ya?ml|json)$/i.test(name) || name === "Kustomization";
}

/**
 * Reads every Terraform (`.tf`, `.tf.json`, `.tfvars`), manifest and pipeline (`.yaml`, `.yml`,
 * `.json`) file, every chart helper (`templates/*.tpl`) and every kustomization under `dir`,
 * recursively, `.github/` included. Paths are relative to `dir`, use forward slashes and come back
 * sorted so reports are identical across machines.
 */
export async function readIacFolder(dir: string): Promise<IacFile[]> {
  const paths: string[] = [];
  await walk(dir, dir, paths);
  paths.sort(compareStrings);
  return Promise.all(paths.map(async (path) => ({ path, content: await readFile(join(dir, path), "utf8") })));
}

/** A Helm chart's template helpers (`templates/_helpers.tpl`): the charts it defines are rendered with them. */
function isChartHelper(dir: string, name: string): boolean {
  return name.endsWith(".tpl") && basename(dir) === "templates";
}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(root, full, out);
    } else if (entry.isFile() && (isIacFileName(entry.name) || isChartHelper(dir, entry.name))) {
      out.push(relative(root, full).split(sep).join("/"));
    }
  }
}

/** Code-unit order, not locale order: the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
