import type { ModelClass } from "./kubernetes-model-table.js";
import { removedApi } from "./kubernetes-removed.js";
import type { KubernetesObject } from "./types.js";

/** One place where an object breaks its OpenAPI schema. */
export interface SchemaIssue {
  /** JSON pointer into the object, `""` for the object itself */
  pointer: string;
  message: string;
}

/**
 * kubernetes-models is 680 modules (about a third of a second to load), so it is loaded on the
 * first object to check, not when the server starts.
 */
let models: Promise<Record<string, ModelClass>> | undefined;
const loadModels = () => {
  models ??= import("./kubernetes-model-table.js").then((table) => table.MODELS);
  return models;
};

/**
 * Validates an object against the Kubernetes OpenAPI schema of its kind. Returns no issues
 * for kinds without a known schema: an unknown CRD is not evidence of a mistake.
 */
export async function validateKubernetesSchema(object: KubernetesObject): Promise<SchemaIssue[]> {
  const models = await loadModels();
  // a removed apiVersion of a kind it knows is checked against the version that replaced it
  const removed = removedApi(object.apiVersion, object.kind);
  const own = models[`${object.apiVersion}/${object.kind}`];
  const Model = own ?? (removed ? models[`${removed.replacement}/${object.kind}`] : undefined);
  if (!Model) return [];
  // Checked against the replacement, the object's own apiVersion is what K8S_REMOVED_API reports:
  // validate the rest of it as the replacement version.
  const body = own ? object.object : { ...(object.object as Record<string, unknown>), apiVersion: removed?.replacement };
  try {
    new Model(body as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [{ pointer: "", message: error instanceof Error ? error.message : String(error) }];
    return errors.map((entry: { instancePath?: string; message?: string; params?: Record<string, unknown> }) => ({
      pointer: entry.instancePath ?? "",
      message: describe(entry),
    }));
  }
}

function describe(entry: { instancePath?: string; message?: string; params?: Record<string, unknown> }): string {
  const where = entry.instancePath ? entry.instancePath.slice(1).replace(/\//g, ".") : "(object)";
  const allowed = Array.isArray(entry.params?.allowedValues) ? ` (${entry.params.allowedValues.join(", ")})` : "";
  return `${where} ${entry.message ?? "is invalid"}${allowed}`;
}
