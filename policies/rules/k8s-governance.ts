import type { KubernetesObject } from "../../iac/types.js";
import type { Rule, RuleHit } from "../types.js";
import { get, isObj, k8sHit } from "./helpers/kubernetes.js";

/** Kinds that always live in a namespace; CRDs are left out because their scope is unknown here. */
const NAMESPACED_KINDS = new Set([
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
  "CronJob",
  "Service",
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "Ingress",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "Role",
  "RoleBinding",
  "NetworkPolicy",
  "PersistentVolumeClaim",
  "LimitRange",
  "ResourceQuota",
]);

/** Kinds that run pods. */
const WORKLOAD_KINDS = new Set(["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"]);

/** Annotations that make a cloud load balancer internal-only. */
const INTERNAL_LB: Record<string, RegExp> = {
  "service.beta.kubernetes.io/aws-load-balancer-internal": /^(true|0\.0\.0\.0\/0)$/i,
  "service.beta.kubernetes.io/aws-load-balancer-scheme": /^internal$/i,
  "service.beta.kubernetes.io/azure-load-balancer-internal": /^true$/i,
  "networking.gke.io/load-balancer-type": /^internal$/i,
  "cloud.google.com/load-balancer-type": /^internal$/i,
};

export const requiredLabels: Rule = {
  id: "K8S_REQUIRED_LABELS",
  title: "Object is missing labels the organisation requires",
  severity: "low",
  aliases: [],
  target: "kubernetes",
  remediation: "Add the required labels under metadata.labels (the list is the policy's required_labels).",
  check(ctx) {
    const required = ctx.policy.required_labels;
    return ctx.kubernetes.flatMap((object) => {
      const labels = get(object.object, "metadata", "labels");
      const missing = required.filter((label) => !(isObj(labels) && typeof labels[label] === "string" && labels[label] !== ""));
      return missing.length === 0 ? [] : [k8sHit(object, `Missing label(s) ${missing.join(", ")}.`, ["metadata", "labels"])];
    });
  },
};

export const defaultNamespace: Rule = {
  id: "K8S_DEFAULT_NAMESPACE",
  title: "Object is deployed to the default namespace",
  severity: "low",
  aliases: ["CKV_K8S_21", "KSV-0110"],
  target: "kubernetes",
  remediation: "Set metadata.namespace to the application's own namespace (or set namespace: in kustomization.yaml).",
  check(ctx) {
    return ctx.kubernetes
      .filter((object) => NAMESPACED_KINDS.has(object.kind))
      .filter((object) => object.namespace === null || object.namespace === "default")
      .filter((object) => !(object.kind === "ServiceAccount" && object.name === "default") && !(object.kind === "Service" && object.name === "kubernetes"))
      .map((object) =>
        k8sHit(
          object,
          object.namespace === null
            ? "No metadata.namespace: it lands in the kubectl context's namespace, usually default."
            : "Deployed to the default namespace, where quotas, policies and RBAC are rarely set.",
          ["metadata", "namespace"],
          undefined,
          // Trivy's KSV-0110 is about workloads only; Checkov's check covers every namespaced kind.
          WORKLOAD_KINDS.has(object.kind) ? ["CKV_K8S_21", "KSV-0110"] : ["CKV_K8S_21"],
        ),
      );
  },
};

export const serviceExposure: Rule = {
  id: "K8S_SERVICE_EXPOSURE",
  title: "Service is exposed outside the cluster (LoadBalancer or NodePort)",
  severity: "medium",
  aliases: [],
  target: "kubernetes",
  remediation: "Use a ClusterIP Service behind the Ingress controller; if a LoadBalancer is needed, make it internal or set loadBalancerSourceRanges.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const service of ctx.kubernetes.filter((o) => o.kind === "Service")) {
      const type = get(service.object, "spec", "type");
      if (type === "NodePort") hits.push(k8sHit(service, "type NodePort opens a port on every node, outside NetworkPolicy control.", ["spec", "type"]));
      if (type !== "LoadBalancer" || isInternal(service)) continue;
      const ranges = get(service.object, "spec", "loadBalancerSourceRanges");
      const restricted = Array.isArray(ranges) && ranges.length > 0 && !ranges.includes("0.0.0.0/0");
      if (!restricted) hits.push(k8sHit(service, "type LoadBalancer creates an internet-facing load balancer open to 0.0.0.0/0.", ["spec", "type"]));
    }
    return hits;
  },
};

function isInternal(service: KubernetesObject): boolean {
  const annotations = get(service.object, "metadata", "annotations");
  if (!isObj(annotations)) return false;
  return Object.entries(INTERNAL_LB).some(([key, pattern]) => pattern.test(String(annotations[key] ?? "")));
}

export const replicaBounds: Rule = {
  id: "K8S_REPLICAS",
  title: "Replica count is outside the environment's bounds",
  severity: "medium",
  aliases: [],
  target: "kubernetes",
  remediation: "Set spec.replicas (or the HorizontalPodAutoscaler's min/maxReplicas) within the policy's replicas range for this environment.",
  check(ctx) {
    const range = ctx.environment ? ctx.policy.replicas[ctx.environment] : undefined;
    if (!range) return [];
    const hits: RuleHit[] = [];
    for (const object of ctx.kubernetes.filter((o) => ["Deployment", "StatefulSet", "ReplicaSet"].includes(o.kind))) {
      // When an HPA drives the workload, its bounds are what matter, not spec.replicas.
      const hpa = ctx.kubernetes.find(
        (o) =>
          o.kind === "HorizontalPodAutoscaler" &&
          o.namespace === object.namespace &&
          get(o.object, "spec", "scaleTargetRef", "kind") === object.kind &&
          get(o.object, "spec", "scaleTargetRef", "name") === object.name,
      );
      // A KEDA ScaledObject drives the workload through an HPA of its own (defaults: 0 to 100 replicas).
      const scaled = hpa
        ? undefined
        : ctx.kubernetes.find(
            (o) =>
              o.kind === "ScaledObject" &&
              o.apiVersion.startsWith("keda.sh/") &&
              o.namespace === object.namespace &&
              (get(o.object, "spec", "scaleTargetRef", "kind") ?? "Deployment") === object.kind &&
              get(o.object, "spec", "scaleTargetRef", "name") === object.name,
          );
      const min = hpa
        ? (get(hpa.object, "spec", "minReplicas") ?? 1)
        : scaled
          ? (get(scaled.object, "spec", "minReplicaCount") ?? 0)
          : (get(object.object, "spec", "replicas") ?? 1);
      const max = hpa ? get(hpa.object, "spec", "maxReplicas") : scaled ? (get(scaled.object, "spec", "maxReplicaCount") ?? 100) : min;
      const target = hpa ?? scaled ?? object;
      const where = hpa ? "minReplicas" : scaled ? "minReplicaCount" : "replicas";
      const label = `${object.kind} ${object.name}${hpa ? ` (via HPA ${hpa.name})` : scaled ? ` (via KEDA ScaledObject ${scaled.name})` : ""}`;
      if (typeof min === "number" && range.min !== undefined && min < range.min) {
        hits.push(k8sHit(target, `${label} runs ${min} replica(s); ${ctx.environment} requires at least ${range.min}.`, ["spec", where]));
      }
      if (typeof max === "number" && range.max !== undefined && max > range.max) {
        const maxField = hpa ? "maxReplicas" : scaled ? "maxReplicaCount" : where;
        hits.push(k8sHit(target, `${label} may run ${max} replica(s); ${ctx.environment} allows at most ${range.max}.`, ["spec", maxField]));
      }
    }
    return hits;
  },
};

/** Control-plane components kubeadm runs as static pods in kube-system (Trivy's exception list). */
const CORE_COMPONENTS = new Set(["kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler"]);

function isCoreComponent(object: KubernetesObject): boolean {
  const labels = get(object.object, "metadata", "labels");
  return (
    isObj(labels) &&
    labels.tier === "control-plane" &&
    typeof labels.component === "string" &&
    CORE_COMPONENTS.has(labels.component) &&
    get(object.object, "spec", "priorityClassName") === "system-node-critical"
  );
}

export const kubeSystemNamespace: Rule = {
  id: "K8S_KUBE_SYSTEM_NAMESPACE",
  title: "Workload deployed to the kube-system namespace",
  severity: "medium",
  aliases: ["KSV-0037"],
  target: "kubernetes",
  remediation: "Deploy application workloads to their own namespace; keep kube-system for the cluster's own components.",
  check(ctx) {
    return ctx.kubernetes
      .filter((object) => WORKLOAD_KINDS.has(object.kind) && object.namespace === "kube-system" && !isCoreComponent(object))
      .map((object) =>
        k8sHit(object, "Runs in kube-system, next to the control plane's components and their highly privileged service accounts.", ["metadata", "namespace"]),
      );
  },
};

/** True when a NetworkPolicy selects pods or peers in any way Trivy's KSV-0038 accepts. */
function networkPolicySelects(spec: Record<string, unknown>): boolean {
  if (isObj(spec.podSelector) || isObj(spec.namespaceSelector)) return true;
  const peers = [
    ...(Array.isArray(spec.ingress) ? spec.ingress : []).flatMap((rule) => (isObj(rule) && Array.isArray(rule.from) ? rule.from : [])),
    ...(Array.isArray(spec.egress) ? spec.egress : []).flatMap((rule) => (isObj(rule) && Array.isArray(rule.to) ? rule.to : [])),
  ];
  return peers.some((peer) => isObj(peer) && (isObj(peer.podSelector) || isObj(peer.namespaceSelector)));
}

export const networkPolicySelector: Rule = {
  id: "K8S_NETWORK_POLICY_SELECTOR",
  title: "NetworkPolicy selects no pods or namespaces",
  severity: "medium",
  aliases: ["KSV-0038"],
  target: "kubernetes",
  remediation: "Set spec.podSelector (an empty {} selects every pod of the namespace) and select peers with podSelector or namespaceSelector.",
  check(ctx) {
    return ctx.kubernetes
      .filter((object) => object.kind === "NetworkPolicy")
      .filter((object) => {
        const spec = get(object.object, "spec");
        return !isObj(spec) || !networkPolicySelects(spec);
      })
      .map((object) =>
        k8sHit(object, "The policy has no podSelector or namespaceSelector, so it restricts no traffic of the pods it was meant for.", ["spec"]),
      );
  },
};

/** Organisational rules: labels, namespaces, exposure, replica bounds, network policy selectors. */
export const governanceK8sRules: Rule[] = [requiredLabels, defaultNamespace, serviceExposure, replicaBounds, kubeSystemNamespace, networkPolicySelector];
