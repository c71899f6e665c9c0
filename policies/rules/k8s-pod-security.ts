import type { Rule, RuleContext, RuleHit } from "../types.js";
import {
  ALL_CONTAINERS,
  containerLabel,
  containers,
  get,
  isObj,
  k8sHit,
  type PodSpecRef,
  podAnnotations,
  podMetadataPath,
  workloads,
} from "./helpers/kubernetes.js";
import { containerRule, podSecurityContext, securityContext } from "./k8s-security.js";

/** A rule over each pod spec of each workload; `test` returns the hits of one pod. */
function podRule(rule: Omit<Rule, "check" | "target">, test: (pod: PodSpecRef, ctx: RuleContext) => RuleHit[]): Rule {
  return {
    ...rule,
    target: "kubernetes",
    check(ctx) {
      return workloads(ctx).flatMap((pod) => test(pod, ctx));
    },
  };
}

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

/** An AppArmor profile the baseline profile accepts: the runtime's default or one loaded on the node. */
function allowedAppArmor(value: string): boolean {
  return value === "runtime/default" || value.startsWith("localhost/");
}

export const appArmorProfile = podRule(
  {
    id: "K8S_APPARMOR_UNCONFINED",
    title: "Container runs without the runtime's AppArmor profile",
    severity: "low",
    aliases: ["KSV-0002"],
    remediation: "Remove the AppArmor override, or set securityContext.appArmorProfile.type: RuntimeDefault (annotation: runtime/default).",
  },
  (pod) => {
    const hits: RuleHit[] = [];
    const annotations = podAnnotations(pod);
    const podType = get(pod.spec, "securityContext", "appArmorProfile", "type");
    if (podType === "Unconfined") {
      hits.push(
        k8sHit(pod.object, "The pod sets appArmorProfile.type: Unconfined: its containers run without AppArmor.", [
          ...pod.path,
          "securityContext",
          "appArmorProfile",
        ]),
      );
    }
    for (const c of containers(pod, ALL_CONTAINERS)) {
      const annotation = annotations[`${APPARMOR_ANNOTATION}${c.name}`];
      if (annotation !== undefined && !allowedAppArmor(annotation)) {
        hits.push(
          k8sHit(pod.object, `${containerLabel(c)} has AppArmor profile "${annotation}" (annotation), not runtime/default.`, [
            ...podMetadataPath(pod),
            "annotations",
            `${APPARMOR_ANNOTATION}${c.name}`,
          ]),
        );
      }
      if (get(c.container, "securityContext", "appArmorProfile", "type") === "Unconfined") {
        hits.push(
          k8sHit(pod.object, `${containerLabel(c)} sets appArmorProfile.type: Unconfined: it runs without AppArmor.`, [
            ...c.path,
            "securityContext",
            "appArmorProfile",
          ]),
        );
      }
    }
    return hits;
  },
);

const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";

/** The seccomp profile a container gets: its own, else the pod's, else the legacy annotations; undefined when none is set. */
function seccompType(pod: PodSpecRef, annotations: Record<string, string>, name: string, own: unknown): string | undefined {
  const fromField = (value: unknown) => (typeof value === "string" ? value : undefined);
  return (
    fromField(get(own, "securityContext", "seccompProfile", "type")) ??
    fromField(get(pod.spec, "securityContext", "seccompProfile", "type")) ??
    annotations[`${SECCOMP_CONTAINER_ANNOTATION}${name}`] ??
    annotations[SECCOMP_POD_ANNOTATION]
  );
}

/** A confining profile: the runtime's default or one loaded on the node (field values and legacy annotation values). */
function confiningSeccomp(type: string): boolean {
  return ["RuntimeDefault", "Localhost", "runtime/default", "docker/default"].includes(type) || type.startsWith("localhost/");
}

export const seccompProfile = podRule(
  {
    id: "K8S_SECCOMP_PROFILE",
    title: "Container runs without a seccomp profile (Unconfined)",
    severity: "medium",
    // KSV-0030: RuntimeDefault not set; KSV-0104: seccomp unconfined. An unset profile is both.
    aliases: ["CKV_K8S_31", "KSV-0030", "KSV-0104"],
    remediation: "Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a reviewed profile).",
  },
  (pod) => {
    const annotations = podAnnotations(pod);
    return containers(pod, ALL_CONTAINERS).flatMap((c) => {
      const type = seccompType(pod, annotations, c.name, c.container);
      if (type !== undefined && confiningSeccomp(type)) return [];
      const problem = type === undefined ? "sets no seccomp profile, so it runs Unconfined" : `runs with seccomp profile ${type}`;
      return [k8sHit(pod.object, `${containerLabel(c)} ${problem}: every system call is open to it.`, [...c.path, "securityContext"])];
    });
  },
);

/** SELinux types the baseline profile allows (the container runtime's own). */
const ALLOWED_SELINUX_TYPES = new Set(["container_t", "container_init_t", "container_kvm_t"]);

function selinuxProblem(options: unknown): string | null {
  if (!isObj(options)) return null;
  const forbidden = ["user", "role"].filter((key) => options[key] !== undefined && options[key] !== "");
  if (forbidden.length > 0) return `sets seLinuxOptions ${forbidden.join(" and ")}`;
  const type = options.type;
  if (typeof type === "string" && type !== "" && !ALLOWED_SELINUX_TYPES.has(type)) return `sets SELinux type ${type}`;
  return null;
}

export const seLinuxOptions = podRule(
  {
    id: "K8S_SELINUX_OPTIONS",
    title: "Pod or container sets custom SELinux options",
    severity: "medium",
    aliases: ["KSV-0025"],
    remediation: "Remove seLinuxOptions user and role, and use only the container_t, container_init_t or container_kvm_t type.",
  },
  (pod) => {
    const hits: RuleHit[] = [];
    const podProblem = selinuxProblem(get(pod.spec, "securityContext", "seLinuxOptions"));
    if (podProblem) {
      hits.push(
        k8sHit(pod.object, `The pod ${podProblem}: a custom SELinux context can lift the container's confinement.`, [
          ...pod.path,
          "securityContext",
          "seLinuxOptions",
        ]),
      );
    }
    for (const c of containers(pod, ALL_CONTAINERS)) {
      const problem = selinuxProblem(get(c.container, "securityContext", "seLinuxOptions"));
      if (problem) {
        hits.push(
          k8sHit(pod.object, `${containerLabel(c)} ${problem}: a custom SELinux context can lift its confinement.`, [
            ...c.path,
            "securityContext",
            "seLinuxOptions",
          ]),
        );
      }
    }
    return hits;
  },
);

/** Namespaced sysctls the baseline Pod Security Standard allows (Kubernetes 1.32 list). */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

export const unsafeSysctls = podRule(
  {
    id: "K8S_UNSAFE_SYSCTLS",
    title: "Pod sets sysctls outside the safe set",
    severity: "medium",
    aliases: ["KSV-0026"],
    remediation: "Remove securityContext.sysctls entries outside the safe set; tune the node itself if the kernel setting is really needed.",
  },
  (pod) => {
    const sysctls = get(pod.spec, "securityContext", "sysctls");
    return (Array.isArray(sysctls) ? sysctls : []).flatMap((sysctl, index) => {
      const name = isObj(sysctl) ? sysctl.name : undefined;
      if (typeof name !== "string" || SAFE_SYSCTLS.has(name)) return [];
      return [
        k8sHit(pod.object, `The pod sets sysctl ${name}, which is not namespaced safely: it can affect the node or other pods.`, [
          ...pod.path,
          "securityContext",
          "sysctls",
          index,
        ]),
      ];
    });
  },
);

export const procMount = containerRule(
  {
    id: "K8S_PROC_MOUNT",
    title: "Container unmasks /proc (procMount)",
    severity: "medium",
    aliases: ["KSV-0027"],
    remediation: "Remove securityContext.procMount (or set it to Default) so the runtime keeps masking sensitive /proc paths.",
  },
  "procMount",
  (c) => {
    const value = securityContext(c, "procMount");
    return value !== undefined && value !== null && value !== "Default"
      ? `sets procMount: ${String(value)}, which exposes /proc paths the runtime masks.`
      : null;
  },
);

/** Volume types the restricted profile forbids (hostPath is K8S_HOST_PATH's). */
const NON_CORE_VOLUME_TYPES = [
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
];

export const volumeTypes = podRule(
  {
    id: "K8S_VOLUME_TYPES",
    title: "Pod mounts a volume type the restricted profile forbids",
    severity: "low",
    aliases: ["KSV-0028"],
    remediation:
      "Use configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral or persistentVolumeClaim volumes; reach network storage through a PersistentVolumeClaim.",
  },
  (pod) => {
    const volumes = pod.spec.volumes;
    return (Array.isArray(volumes) ? volumes : []).flatMap((volume, index) => {
      if (!isObj(volume)) return [];
      const type = NON_CORE_VOLUME_TYPES.find((t) => volume[t] !== undefined && volume[t] !== null);
      if (!type) return [];
      return [
        k8sHit(pod.object, `Volume "${String(volume.name ?? index)}" is of type ${type}: the pod reaches storage directly instead of through a claim.`, [
          ...pod.path,
          "volumes",
          index,
        ]),
      ];
    });
  },
);

export const rootUid = podRule(
  {
    id: "K8S_RUN_AS_UID_0",
    title: "Pod or container sets runAsUser: 0",
    severity: "low",
    aliases: ["KSV-0105"],
    remediation: "Set runAsUser to a non-zero UID (above 10000) or leave it unset and set runAsNonRoot: true.",
  },
  (pod) => {
    const hits: RuleHit[] = [];
    if (podSecurityContext(pod, "runAsUser") === 0) {
      hits.push(k8sHit(pod.object, "The pod sets runAsUser: 0: its containers run as root.", [...pod.path, "securityContext", "runAsUser"]));
    }
    for (const c of containers(pod, ALL_CONTAINERS)) {
      if (securityContext(c, "runAsUser") === 0) {
        hits.push(k8sHit(pod.object, `${containerLabel(c)} sets runAsUser: 0: it runs as root.`, [...c.path, "securityContext", "runAsUser"]));
      }
    }
    return hits;
  },
);

/** A rule flagging containers whose effective `field` (container, else pod) is unset or at most 10000. */
function highIdRule(id: string, field: "runAsUser" | "runAsGroup", alias: string, what: string): Rule {
  return containerRule(
    {
      id,
      title: `Container runs with ${what} <= 10000`,
      severity: "low",
      aliases: [alias],
      remediation: `Set securityContext.${field} to a value above 10000 (pod or container level), so it matches no account in the node's tables.`,
    },
    field,
    (c, pod) => {
      const value = securityContext(c, field) ?? podSecurityContext(pod, field);
      if (typeof value === "number" && value > 10000) return null;
      if (value === undefined || value === null) return `does not set ${field}, so the image decides its ${what} (often root or a low system ${what}).`;
      return `runs with ${what} ${String(value)}, which may match an account on the node.`;
    },
  );
}

export const highUid = highIdRule("K8S_RUN_AS_USER_LOW", "runAsUser", "KSV-0020", "UID");

export const highGid = highIdRule("K8S_RUN_AS_GROUP_LOW", "runAsGroup", "KSV-0021", "GID");

export const rootGroup = podRule(
  {
    id: "K8S_ROOT_GROUP",
    title: "Pod or container runs with the root group (GID 0)",
    severity: "low",
    aliases: ["KSV-0029", "KSV-0116"],
    remediation: "Set runAsGroup, fsGroup and supplementalGroups to non-zero GIDs.",
  },
  (pod) => {
    const hits: RuleHit[] = [];
    const base = [...pod.path, "securityContext"];
    for (const field of ["runAsGroup", "fsGroup"]) {
      if (podSecurityContext(pod, field) === 0) hits.push(k8sHit(pod.object, `The pod sets ${field}: 0 (the root group).`, [...base, field]));
    }
    const supplemental = podSecurityContext(pod, "supplementalGroups");
    if (Array.isArray(supplemental) && supplemental.includes(0)) {
      hits.push(k8sHit(pod.object, "The pod adds the root group (0) to supplementalGroups.", [...base, "supplementalGroups"]));
    }
    for (const c of containers(pod, ALL_CONTAINERS)) {
      if (securityContext(c, "runAsGroup") === 0) {
        hits.push(k8sHit(pod.object, `${containerLabel(c)} sets runAsGroup: 0 (the root group).`, [...c.path, "securityContext", "runAsGroup"]));
      }
    }
    return hits;
  },
);

/** True for an absent or empty security context. */
function emptyContext(value: unknown): boolean {
  return value === undefined || value === null || (isObj(value) && Object.keys(value).length === 0);
}

export const defaultSecurityContext = podRule(
  {
    id: "K8S_DEFAULT_SECURITY_CONTEXT",
    title: "Container runs with the default security context",
    severity: "high",
    aliases: ["KSV-0118"],
    remediation: "Set a securityContext (runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop: [ALL], readOnlyRootFilesystem, seccompProfile).",
  },
  (pod) => {
    // A container with nothing set for it at either level runs with every default, root included.
    if (!emptyContext(get(pod.spec, "securityContext"))) return [];
    return containers(pod, ALL_CONTAINERS)
      .filter((c) => emptyContext(c.container.securityContext))
      .map((c) =>
        k8sHit(pod.object, `${containerLabel(c)} has no securityContext, nor does its pod: it runs with every runtime default, as root.`, [
          ...c.path,
          "securityContext",
        ]),
      );
  },
);

export const privilegedContainerPort = podRule(
  {
    id: "K8S_PRIVILEGED_PORT",
    title: "Container listens on a privileged port (below 1024)",
    severity: "high",
    aliases: ["KSV-0117"],
    remediation: "Make the application listen on a port of 1024 or above and map the well-known port in the Service (port: 80, targetPort: 8080).",
  },
  (pod) =>
    containers(pod).flatMap((c) => {
      const ports = c.container.ports;
      return (Array.isArray(ports) ? ports : []).flatMap((port, index) => {
        const number = isObj(port) ? port.containerPort : undefined;
        if (typeof number !== "number" || number >= 1024) return [];
        return [
          k8sHit(pod.object, `${containerLabel(c)} listens on port ${number}: binding below 1024 needs root or NET_BIND_SERVICE.`, [
            ...c.path,
            "ports",
            index,
            "containerPort",
          ]),
        ];
      });
    }),
);

const TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The ServiceAccount object a pod uses, when it is among the files given. */
function serviceAccountOf(pod: PodSpecRef, ctx: RuleContext): Record<string, unknown> | undefined {
  const name = typeof pod.spec.serviceAccountName === "string" ? pod.spec.serviceAccountName : "default";
  const namespace = pod.object.namespace ?? "default";
  return ctx.kubernetes.find((o) => o.kind === "ServiceAccount" && o.name === name && (o.namespace ?? "default") === namespace)?.object;
}

export const serviceAccountToken = podRule(
  {
    id: "K8S_SERVICE_ACCOUNT_TOKEN",
    title: "Pod mounts a service-account token",
    severity: "medium",
    aliases: ["KSV-0036"],
    remediation: "Set automountServiceAccountToken: false on the pod (or its ServiceAccount) unless it calls the Kubernetes API.",
  },
  (pod, ctx) => {
    const own = pod.spec.automountServiceAccountToken;
    const where = [...pod.path, "automountServiceAccountToken"];
    if (own === true)
      return [k8sHit(pod.object, "The pod sets automountServiceAccountToken: true: every container can call the API as its service account.", where)];
    if (own === false) return [];
    const mountsToken = containers(pod).some(
      (c) => Array.isArray(c.container.volumeMounts) && c.container.volumeMounts.some((m) => isObj(m) && m.mountPath === TOKEN_PATH),
    );
    if (mountsToken) return [k8sHit(pod.object, `A container mounts ${TOKEN_PATH} explicitly: the service-account token is in the container.`, where)];
    const account = serviceAccountOf(pod, ctx);
    const named = typeof pod.spec.serviceAccountName === "string";
    // The account decides when the pod does not; an account not among the files is not guessed at,
    // except the namespace's default one, which mounts its token unless changed.
    if (account ? account.automountServiceAccountToken === false : named) return [];
    const who = named ? `service account "${String(pod.spec.serviceAccountName)}"` : "the default service account";
    return [k8sHit(pod.object, `Neither the pod nor ${who} sets automountServiceAccountToken: false, so its API token is mounted in every container.`, where)];
  },
);

/** True when an image is Helm 2's Tiller (`.../tiller:v2.16.1`). */
function isTillerImage(image: unknown): boolean {
  if (typeof image !== "string") return false;
  const repository = image.split("@")[0]?.replace(/:[^/:]*$/, "") ?? "";
  return repository.split("/").at(-1) === "tiller";
}

export const tiller = podRule(
  {
    id: "K8S_TILLER",
    title: "Helm 2 Tiller is deployed",
    severity: "critical",
    aliases: ["KSV-0102"],
    remediation: "Remove Tiller and migrate the releases to Helm 3, which talks to the API with the user's own credentials.",
  },
  (pod) => {
    const labels = get(pod.object.object, "metadata", "labels");
    const labelled = isObj(labels) && labels.app === "helm" && labels.name === "tiller";
    return containers(pod)
      .filter((c) => labelled || isTillerImage(c.container.image))
      .map((c) =>
        k8sHit(
          pod.object,
          `${containerLabel(c)} runs Tiller (Helm 2): an unauthenticated in-cluster endpoint that deploys anything with its own broad rights.`,
          [...c.path, "image"],
        ),
      );
  },
);

/** Pod Security Standards and Trivy pod checks beyond the basic security-context ones. */
export const podSecurityRules: readonly Rule[] = [
  appArmorProfile,
  seccompProfile,
  seLinuxOptions,
  unsafeSysctls,
  procMount,
  volumeTypes,
  rootUid,
  highUid,
  highGid,
  rootGroup,
  defaultSecurityContext,
  privilegedContainerPort,
  serviceAccountToken,
  tiller,
];
