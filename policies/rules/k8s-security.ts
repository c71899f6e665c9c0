import type { Rule, RuleContext, RuleHit } from "../types.js";
import { ALL_CONTAINERS, type ContainerRef, containerLabel, containers, get, k8sHit, type PodSpecRef, strings, workloads } from "./helpers/kubernetes.js";

/** Capabilities the Pod Security Standards "baseline" profile lets a container add. */
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

/** What a container check found: the message tail, and the aliases it proves when not all of the rule's. */
export interface ContainerProblem {
  problem: string;
  aliases?: readonly string[];
}

type Check = (container: ContainerRef, pod: PodSpecRef) => string | ContainerProblem | null;

/**
 * A rule evaluated for every container, init container and ephemeral container of every
 * workload (the Pod Security Standards cover all three). The hit points at `securityContext.<field>`.
 */
export function containerRule(rule: Omit<Rule, "check" | "target">, field: string, test: Check): Rule {
  return {
    ...rule,
    target: "kubernetes",
    check(ctx: RuleContext) {
      const hits: RuleHit[] = [];
      for (const pod of workloads(ctx)) {
        for (const c of containers(pod, ALL_CONTAINERS)) {
          const found = test(c, pod);
          if (!found) continue;
          const { problem, aliases } = typeof found === "string" ? { problem: found, aliases: undefined } : found;
          hits.push(k8sHit(pod.object, `${containerLabel(c)} ${problem}`, [...c.path, "securityContext", field], undefined, aliases));
        }
      }
      return hits;
    },
  };
}

/** A container's own security-context value. */
export const securityContext = (c: ContainerRef, key: string) => get(c.container, "securityContext", key);
/** The pod-level security-context value (the default for every container). */
export const podSecurityContext = (pod: PodSpecRef, key: string) => get(pod.spec, "securityContext", key);

/** Capability names as Kubernetes compares them: upper case, without a `CAP_` prefix. */
export function capabilityList(c: ContainerRef, which: "add" | "drop"): string[] {
  return strings(get(c.container, "securityContext", "capabilities", which)).map((cap) => cap.toUpperCase().replace(/^CAP_/, ""));
}

export const runAsNonRoot = containerRule(
  {
    id: "K8S_RUN_AS_NON_ROOT",
    title: "Container may run as root",
    severity: "medium",
    aliases: ["CKV_K8S_23", "KSV-0012"],
    remediation: "Set securityContext.runAsNonRoot: true (pod or container level) and a non-zero runAsUser; build the image with a USER.",
  },
  "runAsNonRoot",
  (c, pod) => {
    // The container's value overrides the pod's, as the kubelet applies them.
    const nonRoot = securityContext(c, "runAsNonRoot") ?? podSecurityContext(pod, "runAsNonRoot");
    const user = securityContext(c, "runAsUser") ?? podSecurityContext(pod, "runAsUser");
    if (nonRoot === true) return null;
    if (user === 0) return "runs as UID 0 (root) and does not set runAsNonRoot: true.";
    if (typeof user === "number" && user > 0) return null;
    return "does not set runAsNonRoot: true, so it runs as whatever user the image chooses (often root).";
  },
);

export const privileged = containerRule(
  {
    id: "K8S_PRIVILEGED",
    title: "Container runs privileged",
    severity: "critical",
    aliases: ["CKV_K8S_16", "KSV-0017"],
    remediation: "Remove securityContext.privileged; grant the specific capability the workload needs instead.",
  },
  "privileged",
  (c) => (securityContext(c, "privileged") === true ? "is privileged: it has every capability and full access to the host's devices." : null),
);

export const allowPrivilegeEscalation = containerRule(
  {
    id: "K8S_ALLOW_PRIVILEGE_ESCALATION",
    title: "Container allows privilege escalation",
    severity: "medium",
    aliases: ["CKV_K8S_20", "KSV-0001"],
    remediation: "Set securityContext.allowPrivilegeEscalation: false.",
  },
  "allowPrivilegeEscalation",
  (c) =>
    securityContext(c, "allowPrivilegeEscalation") === false
      ? null
      : "does not set allowPrivilegeEscalation: false, so setuid binaries can gain more privileges than the process started with.",
);

export const readOnlyRootFilesystem = containerRule(
  {
    id: "K8S_READ_ONLY_ROOT_FS",
    title: "Container root filesystem is writable",
    severity: "low",
    aliases: ["CKV_K8S_22", "KSV-0014"],
    remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app must write (/tmp, caches).",
  },
  "readOnlyRootFilesystem",
  (c) => (securityContext(c, "readOnlyRootFilesystem") === true ? null : "has a writable root filesystem, so an attacker can drop tools or alter binaries."),
);

export const capabilitiesDropped = containerRule(
  {
    id: "K8S_CAPABILITIES_NOT_DROPPED",
    title: "Container does not drop all capabilities",
    severity: "low",
    // KSV-0003 drop ALL; KSV-0004 drop at least one; KSV-0106 (restricted profile) drop ALL;
    // CKV_K8S_37 drop ALL; CKV_K8S_28 drop NET_RAW (ALL included).
    aliases: ["CKV_K8S_37", "CKV_K8S_28", "KSV-0003", "KSV-0004", "KSV-0106"],
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] and add back only what is needed (usually nothing, sometimes NET_BIND_SERVICE).',
  },
  "capabilities",
  (c) => {
    const drop = capabilityList(c, "drop");
    if (drop.includes("ALL")) return null;
    const aliases = ["CKV_K8S_37", "KSV-0003", "KSV-0106"];
    if (!drop.includes("NET_RAW")) aliases.push("CKV_K8S_28");
    // KSV-0004 is about a container that drops nothing at all.
    if (get(c.container, "securityContext", "capabilities", "drop") === undefined) aliases.push("KSV-0004");
    const what = drop.length === 0 ? "drops no capabilities" : `drops only ${drop.join(", ")}, not ALL`;
    return { problem: `${what}; the runtime default set includes NET_RAW and others it does not need.`, aliases };
  },
);

/** Added capabilities with a Trivy check of their own. */
const NAMED_CAPABILITY_CHECKS: Record<string, readonly string[]> = {
  SYS_ADMIN: ["KSV-0005", "CKV_K8S_39"],
  NET_RAW: ["KSV-0119"],
  SYS_MODULE: ["KSV-0120"],
};

export const capabilitiesAdded = containerRule(
  {
    id: "K8S_CAPABILITIES_ADDED",
    title: "Container adds capabilities beyond the baseline set",
    severity: "high",
    aliases: ["CKV_K8S_25", "CKV_K8S_39", "KSV-0005", "KSV-0022", "KSV-0119", "KSV-0120"],
    remediation: "Remove capabilities.add entries such as SYS_ADMIN or NET_ADMIN; redesign so the container does not need kernel-level powers.",
  },
  "capabilities",
  (c) => {
    const extra = capabilityList(c, "add").filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (extra.length === 0) return null;
    const aliases = ["CKV_K8S_25", "KSV-0022", ...extra.flatMap((cap) => NAMED_CAPABILITY_CHECKS[cap] ?? [])];
    return { problem: `adds ${extra.join(", ")}, beyond what the baseline Pod Security Standard allows.`, aliases };
  },
);

export const restrictedCapabilities = containerRule(
  {
    id: "K8S_CAPABILITIES_RESTRICTED",
    title: "Container adds back a capability other than NET_BIND_SERVICE",
    severity: "low",
    aliases: ["KSV-0106"],
    remediation: "Keep capabilities.drop: [ALL] and add back at most NET_BIND_SERVICE (the restricted Pod Security Standard).",
  },
  "capabilities",
  (c) => {
    // Containers that do not drop ALL are K8S_CAPABILITIES_NOT_DROPPED's (which carries KSV-0106 too).
    if (!capabilityList(c, "drop").includes("ALL")) return null;
    const extra = capabilityList(c, "add").filter((cap) => cap !== "NET_BIND_SERVICE");
    return extra.length > 0 ? `drops ALL but adds back ${extra.join(", ")}; the restricted profile allows only NET_BIND_SERVICE.` : null;
  },
);

/** Container security-context rules. */
export const securityRules: Rule[] = [
  runAsNonRoot,
  privileged,
  allowPrivilegeEscalation,
  readOnlyRootFilesystem,
  capabilitiesDropped,
  capabilitiesAdded,
  restrictedCapabilities,
];
