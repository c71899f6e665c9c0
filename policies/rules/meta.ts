import { removedApi } from "../../iac/kubernetes-removed.js";
import { validateKubernetesSchema } from "../../iac/kubernetes-schema.js";
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
    return checked.flatMap(({ object, issues }) =>
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
export const metaRules: Rule[] = [parseErrorRule, schemaRule, removedApiRule];
