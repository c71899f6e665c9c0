import type { Rule, RuleContext, RuleHit } from "../types.js";
import { type ContainerRef, containerLabel, containers, get, isObj, k8sHit, LONG_RUNNING_KINDS, workloads } from "./helpers/kubernetes.js";

type Resource = "cpu" | "memory";

/** Container defaults a LimitRange gives a namespace: `default` fills limits, `defaultRequest` requests. */
function limitRangeDefaults(ctx: RuleContext, namespace: string): { limits: Set<string>; requests: Set<string> } {
  const limits = new Set<string>();
  const requests = new Set<string>();
  for (const range of ctx.kubernetes.filter((o) => o.kind === "LimitRange" && (o.namespace ?? "default") === namespace)) {
    const items = get(range.object, "spec", "limits");
    for (const item of Array.isArray(items) ? items.filter(isObj) : []) {
      if (item.type !== "Container") continue;
      // Kubernetes uses `default` as the request too when `defaultRequest` is absent.
      for (const key of Object.keys(isObj(item.default) ? item.default : {})) {
        limits.add(key);
        requests.add(key);
      }
      for (const key of Object.keys(isObj(item.defaultRequest) ? item.defaultRequest : {})) requests.add(key);
    }
  }
  return { limits, requests };
}

function declared(container: ContainerRef, kind: "limits" | "requests"): Set<string> {
  const value = get(container.container, "resources", kind);
  return new Set(isObj(value) ? Object.keys(value) : []);
}

function probeRule(id: string, field: "livenessProbe" | "readinessProbe", aliases: string[], why: string): Rule {
  const label = field === "livenessProbe" ? "liveness" : "readiness";
  return {
    id,
    title: `Container has no ${label} probe`,
    severity: "medium",
    aliases,
    target: "kubernetes",
    remediation: `Add a ${field} (httpGet on a health endpoint, or tcpSocket) to every long-running container.`,
    check(ctx) {
      return workloads(ctx, LONG_RUNNING_KINDS).flatMap((pod) =>
        containers(pod, false)
          .filter((c) => !isObj(c.container[field]))
          .map((c) => k8sHit(pod.object, `${containerLabel(c)} has no ${field}: ${why}`, c.path)),
      );
    },
  };
}

export const livenessProbe = probeRule("K8S_LIVENESS_PROBE", "livenessProbe", ["CKV_K8S_8"], "a hung process is never restarted.");

export const readinessProbe = probeRule("K8S_READINESS_PROBE", "readinessProbe", ["CKV_K8S_9"], "traffic is sent before the app can serve it.");

/** The Checkov and Trivy check of each missing value, e.g. a missing CPU limit is CKV_K8S_11 / KSV-0011. */
type ResourceAliases = Record<Resource, readonly string[]>;

function resourceRule(id: string, kind: "limits" | "requests", aliases: ResourceAliases, severity: Rule["severity"], why: string): Rule {
  return {
    id,
    title: `Container has no CPU or memory ${kind}`,
    severity,
    aliases: [...aliases.cpu, ...aliases.memory],
    target: "kubernetes",
    remediation: `Set resources.${kind}.cpu and resources.${kind}.memory on every container (or a LimitRange with defaults for the namespace).`,
    check(ctx) {
      const hits: RuleHit[] = [];
      for (const pod of workloads(ctx)) {
        const defaults = limitRangeDefaults(ctx, pod.object.namespace ?? "default");
        for (const c of containers(pod)) {
          const have = declared(c, kind);
          // A limit without a request makes Kubernetes use the limit as the request.
          if (kind === "requests") for (const key of declared(c, "limits")) have.add(key);
          const missing = (["cpu", "memory"] as Resource[]).filter((r) => !have.has(r) && !defaults[kind].has(r));
          if (missing.length === 0) continue;
          const message = `${containerLabel(c)} has no ${missing.join(" or ")} ${kind}: ${why}`;
          hits.push(
            k8sHit(
              pod.object,
              message,
              c.path,
              undefined,
              missing.flatMap((r) => aliases[r]),
            ),
          );
        }
      }
      return hits;
    },
  };
}

export const resourceLimits = resourceRule(
  "K8S_RESOURCE_LIMITS",
  "limits",
  { cpu: ["CKV_K8S_11", "KSV-0011"], memory: ["CKV_K8S_13", "KSV-0018"] },
  "medium",
  "one container can starve its neighbours on the node.",
);

export const resourceRequests = resourceRule(
  "K8S_RESOURCE_REQUESTS",
  "requests",
  { cpu: ["CKV_K8S_10", "KSV-0015"], memory: ["CKV_K8S_12", "KSV-0016"] },
  "medium",
  "the scheduler cannot place the pod sensibly and it is evicted first.",
);

/** The tag of an image reference, `null` when there is none; digests count as pinned. */
export function imageTag(image: string): string | null {
  if (image.includes("@sha256:")) return "@digest";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  return colon < 0 ? null : image.slice(colon + 1);
}

export const imageTagRule: Rule = {
  id: "K8S_IMAGE_TAG",
  title: "Container image is not pinned (tag `latest` or none)",
  severity: "medium",
  aliases: ["CKV_K8S_14", "KSV-0013"],
  target: "kubernetes",
  remediation: "Use an immutable version tag (app:1.4.2) or, better, a digest (app@sha256:...).",
  check(ctx) {
    return workloads(ctx).flatMap((pod) =>
      containers(pod).flatMap((c) => {
        const image = c.container.image;
        if (typeof image !== "string") return [];
        const tag = imageTag(image);
        if (tag !== null && tag !== "latest") return [];
        const why = tag === null ? "has no tag (so it means latest)" : "uses the latest tag";
        return [k8sHit(pod.object, `${containerLabel(c)} image ${image} ${why}: what runs changes without a deploy.`, [...c.path, "image"])];
      }),
    );
  },
};

/** Workload rules: probes, resources, image pinning. */
export const workloadRules: Rule[] = [livenessProbe, readinessProbe, resourceLimits, resourceRequests, imageTagRule];
