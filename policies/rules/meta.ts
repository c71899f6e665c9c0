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

/** Rules that turn parser and schema results into findings. */
export const metaRules: Rule[] = [parseErrorRule, schemaRule];
