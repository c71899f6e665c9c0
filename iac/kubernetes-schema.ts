import { loaderFor, type ModelClass, REMOVED_FIELDS, SCHEMA_ALIASES } from "./kubernetes-model-table.js";
import { removedApi } from "./kubernetes-removed.js";
import type { KubernetesObject } from "./types.js";

/** One place where an object breaks its OpenAPI schema. */
export interface SchemaIssue {
  /** JSON pointer into the object, `""` for the object itself */
  pointer: string;
  message: string;
}

/** What checking one object against its schema found. */
export interface SchemaCheck {
  /**
   * The apiVersion whose schema the object was checked against (its own, the version that
   * replaced a removed one, or a pinned alias), or null when no schema is known for its kind:
   * the object was NOT checked, and a report must say so.
   */
  schema: string | null;
  /** why the object was checked against another version's schema, when it was */
  note?: string;
  issues: SchemaIssue[];
}

/**
 * Group version modules by apiVersion, loaded on first use: kubernetes-models and the CRD
 * packages are hundreds of modules, so none loads until an object of that group version is
 * checked (not when the server or a CLI starts).
 */
const modules = new Map<string, Promise<Record<string, unknown> | undefined>>();

function loadGroupVersion(apiVersion: string): Promise<Record<string, unknown> | undefined> {
  let loading = modules.get(apiVersion);
  if (!loading) {
    loading = loaderFor(apiVersion)?.() ?? Promise.resolve(undefined);
    modules.set(apiVersion, loading);
  }
  return loading;
}

/** The model class of `apiVersion`/`kind`, or undefined when no schema is known for the pair. */
export async function findKubernetesModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const exports = await loadGroupVersion(apiVersion);
  if (!exports) return undefined;
  return Object.values(exports).find(
    (value): value is ModelClass => typeof value === "function" && (value as ModelClass).kind === kind && (value as ModelClass).apiVersion === apiVersion,
  );
}

/** Where to find the schema of an object: its own version, a removed version's replacement, or a pinned alias. */
async function resolveSchema(object: KubernetesObject): Promise<{ Model: ModelClass; schema: string; note?: string } | undefined> {
  // a removed apiVersion of a kind it knows is checked against the version that replaced it
  // (K8S_REMOVED_API reports the apiVersion itself)
  const removed = removedApi(object.apiVersion, object.kind);
  if (removed) {
    const Model = await findKubernetesModel(removed.replacement, object.kind);
    if (Model) return { Model, schema: removed.replacement };
  }
  const own = await findKubernetesModel(object.apiVersion, object.kind);
  if (own) return { Model: own, schema: object.apiVersion };
  const alias = SCHEMA_ALIASES[object.apiVersion];
  if (alias) {
    const Model = await findKubernetesModel(alias.schema, object.kind);
    if (Model) return { Model, schema: alias.schema, note: alias.note };
  }
  return undefined;
}

/** The apiVersion whose schema {@link validateKubernetesSchema} would use for `object`, or null when none is known. */
export async function schemaVersionOf(object: KubernetesObject): Promise<string | null> {
  return (await resolveSchema(object))?.schema ?? null;
}

/**
 * Validates an object against the OpenAPI schema of its kind: every built-in group version
 * kubernetes-models knows, and the CRDs pinned in kubernetes-model-table.ts. A kind with no known
 * schema comes back with `schema: null` (not checked), which is not evidence of a mistake but
 * must not read as a pass either.
 */
export async function validateKubernetesSchema(object: KubernetesObject): Promise<SchemaCheck> {
  const found = await resolveSchema(object);
  if (!found) return { schema: null, issues: [] };
  const { Model, schema, note } = found;
  // Checked against another version's schema, the object's own apiVersion is not what is judged.
  const body = schema === object.apiVersion ? object.object : { ...object.object, apiVersion: schema };
  const issues = [...schemaIssues(Model, body), ...removedFieldIssues(object)];
  return { schema, ...(note ? { note } : {}), issues };
}

function schemaIssues(Model: ModelClass, body: Record<string, unknown>): SchemaIssue[] {
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

function removedFieldIssues(object: KubernetesObject): SchemaIssue[] {
  return (REMOVED_FIELDS[object.apiVersion] ?? [])
    .filter((field) => valueAt(object.object, field.pointer) === field.value)
    .map((field) => ({ pointer: field.pointer, message: field.message }));
}

function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const key of pointer.split("/").slice(1)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describe(entry: { instancePath?: string; message?: string; params?: Record<string, unknown> }): string {
  const where = entry.instancePath ? entry.instancePath.slice(1).replace(/\//g, ".") : "(object)";
  const allowed = Array.isArray(entry.params?.allowedValues) ? ` (${entry.params.allowedValues.join(", ")})` : "";
  return `${where} ${entry.message ?? "is invalid"}${allowed}`;
}
