import { removedApi } from "../../iac/kubernetes-removed.js";
import { schemaVersionOf, validateKubernetesSchema } from "../../iac/kubernetes-schema.js";
import type { IacFile } from "../../iac/types.js";
import type { Rule } from "../types.js";
import { k8sHit } from "./helpers/kubernetes.js";

export const parseErrorRule: Rule = {
  id: "IAC_PARSE_ERROR",
  title: "File does not parse",
  severity: "high",
  aliases: [],
  target: "any",
  remediation: "Fix the syntax error (terraform fmt / terraform validate, or a YAML linter); nothing in this file was checked.",
  check(ctx) {
    return ctx.parseErrors.map((error) => ({ resource: error.file, file: error.file, line: error.line, message: error.message }));
  },
};

export const schemaRule: Rule = {
  id: "K8S_SCHEMA",
  title: "Kubernetes object does not match its API schema",
  severity: "high",
  aliases: [],
  target: "kubernetes",
  remediation: "Fix the field named in the message; the API server would reject the object (kubectl apply --dry-run=server shows the same).",
  async check(ctx) {
    const checked = await Promise.all(ctx.kubernetes.map(async (object) => ({ object, issues: await validateKubernetesSchema(object) })));
    return checked.flatMap(({ object, issues: { issues } }) =>
      issues.map((issue) => {
        const path = issue.pointer
          .split("/")
          .slice(1)
          .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
        return k8sHit(object, `${object.apiVersion} ${object.kind}: ${issue.message}`, path);
      }),
    );
  },
};

/**
 * The other half of K8S_SCHEMA: an object whose kind has no known schema (a CRD not pinned in
 * iac/kubernetes-model-table.ts) was not checked, and the report says so instead of passing it.
 */
export const schemaUnknownRule: Rule = {
  id: "K8S_SCHEMA_UNKNOWN",
  title: "Kubernetes object not checked: no schema known for its kind",
  severity: "info",
  aliases: [],
  target: "kubernetes",
  remediation:
    "Check the object against its CRD yourself (kubectl apply --dry-run=server on a cluster with the CRD installed), or ask for its schema to be pinned in Atlas.",
  async check(ctx) {
    const versions = await Promise.all(ctx.kubernetes.map(async (object) => ({ object, schema: await schemaVersionOf(object) })));
    return versions
      .filter(({ schema }) => schema === null)
      .map(({ object }) =>
        k8sHit(object, `${object.apiVersion} ${object.kind} in ${object.file} was not checked against a schema: none is known for this kind`, ["kind"]),
      );
  },
};

/** Overlays (kustomization folders) that could not be built: their objects were not checked. */
export const kustomizeNotBuiltRule: Rule = {
  id: "KUSTOMIZE_NOT_BUILT",
  title: "Kustomize overlay not built: it uses a feature the validator does not implement",
  severity: "medium",
  aliases: [],
  target: "kubernetes",
  remediation:
    "Render the overlay yourself (kubectl kustomize <dir> > rendered.yaml) and validate the rendered file, or use only resources, namespace, labels and RFC 6902 patches.",
  check(ctx) {
    return (ctx.overlays ?? []).flatMap((overlay) =>
      "error" in overlay && overlay.error.unsupported
        ? [
            {
              resource: overlay.dir || ".",
              file: overlay.error.file || overlay.file,
              line: fieldLine(ctx.files, overlay.error.file || overlay.file, overlay.error.field),
              message: `${overlay.error.message}; the objects of overlay ${overlay.dir || "."} were not checked`,
            },
          ]
        : [],
    );
  },
};

/** Overlays that kustomize itself would refuse to build (a missing resource, a patch that cannot apply). */
export const kustomizeBuildErrorRule: Rule = {
  id: "KUSTOMIZE_BUILD_ERROR",
  title: "Kustomize overlay does not build",
  severity: "high",
  aliases: [],
  target: "kubernetes",
  remediation: "Fix the kustomization named in the message; `kubectl apply -k` fails the same way (kubectl kustomize <dir> shows it).",
  check(ctx) {
    return (ctx.overlays ?? []).flatMap((overlay) =>
      "error" in overlay && !overlay.error.unsupported
        ? [
            {
              resource: overlay.dir || ".",
              file: overlay.error.file || overlay.file,
              line: fieldLine(ctx.files, overlay.error.file || overlay.file, overlay.error.field),
              message: `overlay ${overlay.dir || "."} does not build: ${overlay.error.message}`,
            },
          ]
        : [],
    );
  },
};

/** The line of a top-level `field:` in a kustomization file, else its first line. */
function fieldLine(files: readonly IacFile[], path: string, field: string | undefined): number {
  const content = files.find((file) => file.path === path)?.content ?? "";
  const index = field ? content.split("\n").findIndex((line) => line.startsWith(`${field}:`)) : -1;
  return index + 1 || 1;
}

export const removedApiRule: Rule = {
  id: "K8S_REMOVED_API",
  title: "Kubernetes object uses an API version that has been removed",
  severity: "high",
  aliases: [],
  target: "kubernetes",
  remediation: "Move the object to the apiVersion that replaced it (kubectl convert, or rewrite it) and check the fields that changed.",
  check(ctx) {
    return ctx.kubernetes.flatMap((object) => {
      const removed = removedApi(object.apiVersion, object.kind);
      if (!removed) return [];
      return [
        k8sHit(
          object,
          `${object.apiVersion} ${object.kind} was removed in Kubernetes ${removed.removedIn}; the API server refuses it. Use ${removed.replacement}.`,
          ["apiVersion"],
        ),
      ];
    });
  },
};

/** Rules that turn parser and schema results into findings. */
export const metaRules: Rule[] = [parseErrorRule, schemaRule, schemaUnknownRule, removedApiRule, kustomizeNotBuiltRule, kustomizeBuildErrorRule];
