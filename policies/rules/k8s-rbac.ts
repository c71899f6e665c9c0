import type { KubernetesObject } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit, Severity } from "../types.js";
import { get, isObj, k8sHit, strings } from "./helpers/kubernetes.js";

/** One entry of a Role's or ClusterRole's `rules`, with its index for line lookups. */
export interface PolicyRule {
  role: KubernetesObject;
  index: number;
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
}

/** Every rule of every Role and ClusterRole (optionally only of `kinds`). */
export function policyRules(ctx: RuleContext, kinds: readonly string[] = ["Role", "ClusterRole"]): PolicyRule[] {
  return ctx.kubernetes
    .filter((object) => kinds.includes(object.kind))
    .flatMap((role) => {
      const rules = get(role.object, "rules");
      return (Array.isArray(rules) ? rules : []).flatMap((rule, index) =>
        isObj(rule)
          ? [
              {
                role,
                index,
                apiGroups: strings(rule.apiGroups),
                resources: strings(rule.resources),
                verbs: strings(rule.verbs),
                resourceNames: strings(rule.resourceNames),
              },
            ]
          : [],
      );
    });
}

/** Verbs that change objects (Trivy's list for "manage" checks). */
const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection", "impersonate", "*"];

/** Verbs that read or change objects: for secrets, reading is as bad as writing. */
const ANY_ACCESS_VERBS = ["get", "list", "watch", ...WRITE_VERBS];

const matching = (have: readonly string[], wanted: readonly string[]) => have.filter((item) => wanted.includes(item));

/** A hit at one rule of a role. */
function ruleHit(rule: PolicyRule, message: string, aliases?: readonly string[]): RuleHit {
  return k8sHit(rule.role, `${rule.role.kind} ${rule.role.name} rule #${rule.index + 1}: ${message}`, ["rules", rule.index], undefined, aliases);
}

interface AccessRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  alias: string;
  remediation: string;
  kinds?: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
  /** only rules naming this object in resourceNames (rules for all objects of the type are another check's) */
  resourceName?: string;
  why: string;
}

/** A rule flagging role rules that grant any of `verbs` on any of `resources` (named explicitly, as Trivy matches them). */
function accessRule(spec: AccessRuleSpec): Rule {
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    aliases: [spec.alias],
    target: "kubernetes",
    remediation: spec.remediation,
    check(ctx) {
      return policyRules(ctx, spec.kinds).flatMap((rule) => {
        const resources = matching(rule.resources, spec.resources);
        const verbs = matching(rule.verbs, spec.verbs);
        if (resources.length === 0 || verbs.length === 0) return [];
        const name = spec.resourceName;
        if (name !== undefined && !rule.resourceNames.includes(name)) return [];
        const target = name !== undefined ? `${resources.join(", ")} (${name})` : resources.join(", ");
        return [ruleHit(rule, `grants ${verbs.join(", ")} on ${target}: ${spec.why}`)];
      });
    },
  };
}

/** Resources Trivy's KSV-0045 names for "wildcard verb on a specific resource". */
const SENSITIVE_RESOURCES = [
  "secrets",
  "pods",
  "deployments",
  "daemonsets",
  "statefulsets",
  "replicationcontrollers",
  "replicasets",
  "cronjobs",
  "jobs",
  "roles",
  "clusterroles",
  "rolebindings",
  "clusterrolebindings",
  "users",
  "groups",
];

/** Verbs Trivy's KSV-0046 / KSV-0112 count as managing "all resources". */
const ALL_RESOURCES_VERBS = ["create", "update", "delete", "deletecollection", "impersonate", "*", "list", "get"];

export const rbacWildcard: Rule = {
  id: "K8S_RBAC_WILDCARD",
  title: "Role grants wildcard verbs or resources",
  severity: "critical",
  // KSV-0044 * verbs on * resources of * groups; KSV-0045 * verbs on a sensitive resource;
  // KSV-0046 a ClusterRole on * resources; KSV-0112 a Role on * resources.
  aliases: ["CKV_K8S_49", "KSV-0044", "KSV-0045", "KSV-0046", "KSV-0112"],
  target: "kubernetes",
  remediation: "List the exact apiGroups, resources and verbs the subject needs instead of '*'.",
  check(ctx) {
    return policyRules(ctx).flatMap((rule) => {
      const aliases: string[] = [];
      const anyVerb = rule.verbs.includes("*");
      const anyResource = rule.resources.includes("*");
      if (anyVerb && anyResource && rule.apiGroups.includes("*")) aliases.push("KSV-0044");
      const sensitive = matching(rule.resources, SENSITIVE_RESOURCES);
      if (anyVerb && sensitive.length > 0) aliases.push("KSV-0045");
      if (anyResource && matching(rule.verbs, ALL_RESOURCES_VERBS).length > 0) aliases.push(rule.role.kind === "ClusterRole" ? "KSV-0046" : "KSV-0112");
      // Only what a Trivy check names is reported; Checkov's broader wildcard check rides along.
      if (aliases.length === 0) return [];
      aliases.push("CKV_K8S_49");
      const verbs = anyVerb ? "every verb" : rule.verbs.join(", ");
      const resources = anyResource ? "every resource" : rule.resources.join(", ");
      const groups = rule.apiGroups.includes("*") ? " of every API group" : "";
      const what = `${verbs} on ${resources}${groups}`;
      const scope = rule.role.kind === "ClusterRole" ? "cluster-wide" : "in its namespace";
      return [ruleHit(rule, `grants ${what}, ${scope}: new resource types and verbs are granted as they appear.`, aliases)];
    });
  },
};

export const clusterSecrets = accessRule({
  id: "K8S_RBAC_CLUSTER_SECRETS",
  title: "ClusterRole can read or manage secrets",
  severity: "critical",
  alias: "KSV-0041",
  kinds: ["ClusterRole"],
  remediation: "Remove secrets from the ClusterRole; grant get on specific secrets by resourceNames in a namespaced Role.",
  resources: ["secrets"],
  verbs: ANY_ACCESS_VERBS,
  why: "reading secrets cluster-wide yields service-account tokens and credentials, close to cluster-admin.",
});

export const namespaceSecrets = accessRule({
  id: "K8S_RBAC_NAMESPACE_SECRETS",
  title: "Role can read or manage the namespace's secrets",
  severity: "medium",
  alias: "KSV-0113",
  kinds: ["Role"],
  remediation: "Limit the Role to the secrets it needs with resourceNames, or mount the secret instead of reading it through the API.",
  resources: ["secrets"],
  verbs: ANY_ACCESS_VERBS,
  why: "any service-account token in the namespace can be read, with whatever rights it has.",
});

export const deletePodLogs = accessRule({
  id: "K8S_RBAC_DELETE_POD_LOGS",
  title: "Role can delete pod logs",
  severity: "medium",
  alias: "KSV-0042",
  remediation: "Remove delete and deletecollection on pods/log.",
  resources: ["pods/log"],
  verbs: ["delete", "deletecollection", "*"],
  why: "an attacker can erase the traces of what they ran.",
});

export const impersonate: Rule = {
  id: "K8S_RBAC_IMPERSONATE",
  title: "Role can impersonate users, groups or service accounts",
  severity: "critical",
  aliases: ["KSV-0043"],
  target: "kubernetes",
  remediation: "Remove the impersonate verb; if impersonation is needed, limit it to named users with resourceNames.",
  check(ctx) {
    return policyRules(ctx).flatMap((rule) => {
      const targets = matching(rule.resources, ["users", "groups", "serviceaccounts", "userextras/scopes", "uids"]);
      if (targets.length === 0 || matching(rule.verbs, ["impersonate", "*"]).length === 0) return [];
      // KSV-0043 is about impersonating groups (system:masters among them).
      const aliases = targets.includes("groups") ? ["KSV-0043"] : [];
      return [ruleHit(rule, `can impersonate ${targets.join(", ")}: it acts with the rights of whoever it names, system:masters included.`, aliases)];
    });
  },
};

export const nodeProxy = accessRule({
  id: "K8S_RBAC_NODE_PROXY",
  title: "Role can use the nodes/proxy subresource",
  severity: "high",
  alias: "KSV-0047",
  remediation: "Remove nodes/proxy; use metrics and logs APIs instead of the kubelet API.",
  resources: ["nodes/proxy"],
  verbs: ["get", "create", "*"],
  why: "it reaches the kubelet API directly, which runs commands in any pod of the node and bypasses audit.",
});

export const manageWorkloads = accessRule({
  id: "K8S_RBAC_MANAGE_WORKLOADS",
  title: "Role can create or change pods and workloads",
  severity: "medium",
  alias: "KSV-0048",
  remediation: "Grant only get, list and watch on workloads, and let a deployment pipeline with its own account change them.",
  resources: ["pods", "deployments", "jobs", "cronjobs", "statefulsets", "daemonsets", "replicasets", "replicationcontrollers"],
  verbs: WRITE_VERBS,
  why: "whoever can create pods can run them with any service account and, unless admission stops it, escape to the node.",
});

export const manageConfigMaps = accessRule({
  id: "K8S_RBAC_MANAGE_CONFIGMAPS",
  title: "Role can change configmaps",
  severity: "medium",
  alias: "KSV-0049",
  remediation: "Grant only get, list and watch on configmaps, or limit writes to named configmaps with resourceNames.",
  resources: ["configmaps"],
  verbs: WRITE_VERBS,
  why: "configuration that workloads trust at runtime can be rewritten.",
});

export const manageRbac = accessRule({
  id: "K8S_RBAC_MANAGE_RBAC",
  title: "Role can change RBAC roles and bindings",
  severity: "critical",
  alias: "KSV-0050",
  remediation: "Remove write verbs on roles, rolebindings, clusterroles and clusterrolebindings; manage RBAC from the deployment pipeline.",
  resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"],
  verbs: WRITE_VERBS,
  why: "whoever can write RBAC objects can grant themselves anything.",
});

export const bindEscalation: Rule = {
  id: "K8S_RBAC_BIND_ESCALATION",
  title: "Role can create bindings to any role",
  severity: "high",
  // KSV-0051: create rolebindings + bind any role; KSV-0052: create clusterrolebindings + bind any clusterrole.
  aliases: ["KSV-0051", "KSV-0052"],
  target: "kubernetes",
  remediation: "Remove bind on roles and clusterroles, or limit it with resourceNames to the low-privilege roles the subject may hand out.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const role of ctx.kubernetes.filter((o) => o.kind === "Role" || o.kind === "ClusterRole")) {
      const rules = policyRules(ctx).filter((rule) => rule.role === role);
      const canCreate = (resource: string) => rules.some((rule) => rule.resources.includes(resource) && matching(rule.verbs, ["create", "*"]).length > 0);
      // bind without resourceNames (or with '*') covers every role, cluster-admin included.
      const bindsAny = (resource: string) =>
        rules.find(
          (rule) =>
            rule.resources.includes(resource) &&
            matching(rule.verbs, ["bind", "*"]).length > 0 &&
            (rule.resourceNames.length === 0 || rule.resourceNames.includes("*")),
        );
      const namespaced = canCreate("rolebindings") ? (bindsAny("clusterroles") ?? bindsAny("roles")) : undefined;
      const clusterWide = canCreate("clusterrolebindings") ? bindsAny("clusterroles") : undefined;
      if (namespaced) {
        hits.push(
          ruleHit(namespaced, "with create on rolebindings, bind on any role lets it grant itself any role's rights, cluster-admin's included.", ["KSV-0051"]),
        );
      }
      if (clusterWide) {
        hits.push(ruleHit(clusterWide, "with create on clusterrolebindings, bind on any clusterrole lets it make itself cluster-admin.", ["KSV-0052"]));
      }
    }
    return hits;
  },
};

export const podExec = accessRule({
  id: "K8S_RBAC_POD_EXEC",
  title: "Role can exec into pods",
  severity: "high",
  alias: "KSV-0053",
  remediation: "Remove pods/exec; debug through logs, or grant exec temporarily to named people.",
  resources: ["pods/exec"],
  verbs: WRITE_VERBS,
  why: "a shell in a pod carries that pod's service account and host access.",
});

export const podAttach = accessRule({
  id: "K8S_RBAC_POD_ATTACH",
  title: "Role can attach to running containers",
  severity: "high",
  alias: "KSV-0054",
  remediation: "Remove pods/attach; debug through logs, or grant attach temporarily to named people.",
  resources: ["pods/attach"],
  verbs: ["create", "*"],
  why: "attaching to a container's shell gives its process's rights and service account.",
});

export const rolebindingPatch: Rule = {
  id: "K8S_RBAC_PATCH_ROLEBINDINGS",
  title: "Role can add subjects to existing role bindings",
  severity: "low",
  aliases: ["KSV-0055"],
  target: "kubernetes",
  remediation: "Remove get + patch on rolebindings; let the deployment pipeline manage who is bound to what.",
  check(ctx) {
    return policyRules(ctx)
      .filter((rule) => rule.resources.includes("rolebindings") && rule.verbs.includes("get") && rule.verbs.includes("patch"))
      .map((rule) => ruleHit(rule, "grants get and patch on rolebindings: a subject can add other users to the bindings it reads."));
  },
};

export const manageNetworking = accessRule({
  id: "K8S_RBAC_MANAGE_NETWORKING",
  title: "Role can change services, endpoints, ingresses or network policies",
  severity: "high",
  alias: "KSV-0056",
  remediation: "Grant only get, list and watch on networking resources; change them from the deployment pipeline.",
  resources: ["services", "endpoints", "endpointslices", "networkpolicies", "ingresses"],
  verbs: WRITE_VERBS,
  why: "traffic can be redirected to a pod of the attacker's choosing, or network policies lifted.",
});

export const manageWebhooks = accessRule({
  id: "K8S_RBAC_MANAGE_WEBHOOKS",
  title: "Role can change admission webhook configurations",
  severity: "critical",
  alias: "KSV-0114",
  remediation: "Remove write verbs on mutatingwebhookconfigurations and validatingwebhookconfigurations.",
  resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
  verbs: WRITE_VERBS,
  why: "a webhook sees, and can rewrite, every object sent to the API: secrets and pod specs included.",
});

export const manageAwsAuth = accessRule({
  id: "K8S_RBAC_EKS_AWS_AUTH",
  title: "Role can change the EKS aws-auth ConfigMap",
  severity: "critical",
  alias: "KSV-0115",
  remediation: "Remove write verbs on the aws-auth ConfigMap; manage EKS access entries from Terraform instead.",
  resources: ["configmaps"],
  verbs: WRITE_VERBS,
  resourceName: "aws-auth",
  why: "aws-auth maps AWS identities to Kubernetes groups, system:masters included.",
});

/** Built-in roles Trivy's KSV-0111 names as admin access. */
const ADMIN_ROLES = new Set(["cluster-admin", "admin", "edit"]);

export const adminBinding: Rule = {
  id: "K8S_RBAC_ADMIN_BINDING",
  title: "Binding grants cluster-admin (or admin/edit cluster-wide)",
  severity: "medium",
  aliases: ["KSV-0111"],
  target: "kubernetes",
  remediation: "Bind a role with only the permissions the subject needs; keep cluster-admin for break-glass accounts.",
  check(ctx) {
    return ctx.kubernetes
      .filter((o) => o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding")
      .filter((o) => !o.name.startsWith("system:"))
      .flatMap((binding) => {
        const role = get(binding.object, "roleRef", "name");
        if (typeof role !== "string" || !ADMIN_ROLES.has(role)) return [];
        // admin and edit bound in one namespace are the documented way to delegate it.
        if (role !== "cluster-admin" && binding.kind === "RoleBinding") return [];
        const scope = binding.kind === "ClusterRoleBinding" ? "in every namespace" : `in namespace ${binding.namespace ?? "default"}`;
        return [
          k8sHit(binding, `${binding.kind} ${binding.name} grants ${role} ${scope} to ${subjectNames(binding).join(", ") || "no one yet"}.`, [
            "roleRef",
            "name",
          ]),
        ];
      });
  },
};

/** `Kind name` of each subject of a binding. */
function subjectNames(binding: KubernetesObject): string[] {
  const subjects = get(binding.object, "subjects");
  return (Array.isArray(subjects) ? subjects : []).filter(isObj).map((s) => `${String(s.kind ?? "?")} ${String(s.name ?? "?")}`);
}

const ANONYMOUS = new Set(["system:anonymous", "system:unauthenticated"]);

export const anonymousBinding: Rule = {
  id: "K8S_RBAC_ANONYMOUS_BINDING",
  title: "Binding grants a role to anonymous users",
  severity: "critical",
  aliases: ["KSV-0122"],
  target: "kubernetes",
  remediation: "Remove system:anonymous and system:unauthenticated from the binding's subjects.",
  check(ctx) {
    return ctx.kubernetes
      .filter((o) => o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding")
      .flatMap((binding) => {
        const subjects = get(binding.object, "subjects");
        return (Array.isArray(subjects) ? subjects : []).flatMap((subject, index) => {
          if (!isObj(subject) || typeof subject.name !== "string" || !ANONYMOUS.has(subject.name)) return [];
          const role = String(get(binding.object, "roleRef", "name") ?? "?");
          return [
            k8sHit(binding, `${binding.kind} ${binding.name} grants ${role} to ${subject.name}: anyone who can reach the API server gets it.`, [
              "subjects",
              index,
            ]),
          ];
        });
      });
  },
};

/** RBAC rules: wildcards, secrets, escalation paths and dangerous bindings. */
export const rbacRules: readonly Rule[] = [
  rbacWildcard,
  clusterSecrets,
  namespaceSecrets,
  deletePodLogs,
  impersonate,
  nodeProxy,
  manageWorkloads,
  manageConfigMaps,
  manageRbac,
  bindEscalation,
  podExec,
  podAttach,
  rolebindingPatch,
  manageNetworking,
  manageWebhooks,
  manageAwsAuth,
  adminBinding,
  anonymousBinding,
];
