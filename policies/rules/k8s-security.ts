import type { Rule, RuleContext, RuleHit } from "../types.js";
import { type ContainerRef, containers, get, k8sHit, type PodSpecRef, workloads } from "./helpers/kubernetes.js";

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

type Check = (container: ContainerRef, pod: PodSpecRef) => string | null;

/** A rule evaluated for every container and init container of every workload. */
function containerRule(rule: Omit<Rule, "check" | "target">, field: string, test: Check): Rule {
  return {
    ...rule,
    target: "kubernetes",
    check(ctx: RuleContext) {
      const hits: RuleHit[] = [];
      for (const pod of workloads(ctx)) {
        for (const c of containers(pod)) {
          const problem = test(c, pod);
          if (problem) hits.push(k8sHit(pod.object, `Container "${c.name}" ${problem}`, [...c.path, "securityContext", field]));
        }
      }
      return hits;
    },
  };
}

const securityContext = (c: ContainerRef, key: string) => get(c.container, "securityContext", key);
const podSecurityContext = (pod: PodSpecRef, key: string) => get(pod.spec, "securityContext", key);

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
    const nonRoot = securityContext(c, "runAsNonRoot") ?? podSecurityContext(pod, "runAsNonRoot");
    const user = securityContext(c, "runAsUser") ?? podSecurityContext(pod, "runAsUser");
    if (user === 0) return "runs as UID 0 (root).";
    if (nonRoot === true || (typeof user === "number" && user > 0)) return null;
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
    aliases: ["CKV_K8S_37", "CKV_K8S_28", "KSV-0003"],
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] and add back only what is needed (usually nothing, sometimes NET_BIND_SERVICE).',
  },
  "capabilities",
  (c) => {
    const drop = get(c.container, "securityContext", "capabilities", "drop");
    const dropsAll = Array.isArray(drop) && drop.some((cap) => typeof cap === "string" && cap.toUpperCase() === "ALL");
    return dropsAll ? null : "does not drop ALL capabilities; the runtime default set includes NET_RAW and others it does not need.";
  },
);

export const capabilitiesAdded = containerRule(
  {
    id: "K8S_CAPABILITIES_ADDED",
    title: "Container adds capabilities beyond the baseline set",
    severity: "high",
    aliases: ["CKV_K8S_25", "CKV_K8S_39", "KSV-0005", "KSV-0022"],
    remediation: "Remove capabilities.add entries such as SYS_ADMIN or NET_ADMIN; redesign so the container does not need kernel-level powers.",
  },
  "capabilities",
  (c) => {
    const add = get(c.container, "securityContext", "capabilities", "add");
    const extra = (Array.isArray(add) ? add : []).map((cap) => String(cap).toUpperCase().replace(/^CAP_/, "")).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    return extra.length > 0 ? `adds ${extra.join(", ")}, beyond what the baseline Pod Security Standard allows.` : null;
  },
);

/** Container security-context rules. */
export const securityRules: Rule[] = [runAsNonRoot, privileged, allowPrivilegeEscalation, readOnlyRootFilesystem, capabilitiesDropped, capabilitiesAdded];
