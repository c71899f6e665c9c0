import type { Rule, RuleHit } from "../types.js";
import { containerLabel, containers, get, isObj, k8sHit, workloads } from "./helpers/kubernetes.js";

/** Each host namespace flag with its Checkov and Trivy checks. */
const HOST_NAMESPACES = [
  { field: "hostNetwork", what: "the node's network stack (it can sniff and bind host ports)", aliases: ["CKV_K8S_19", "KSV-0009"] },
  { field: "hostPID", what: "the node's process table (it can see and signal every process)", aliases: ["CKV_K8S_17", "KSV-0010"] },
  { field: "hostIPC", what: "the node's IPC namespace (shared memory of other workloads)", aliases: ["CKV_K8S_18", "KSV-0008"] },
] as const;

export const hostNamespaces: Rule = {
  id: "K8S_HOST_NAMESPACES",
  title: "Pod shares the host's network, PID or IPC namespace",
  severity: "high",
  aliases: ["CKV_K8S_19", "CKV_K8S_17", "CKV_K8S_18", "KSV-0009", "KSV-0010", "KSV-0008"],
  target: "kubernetes",
  remediation: "Remove hostNetwork, hostPID and hostIPC; expose ports through a Service instead.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const pod of workloads(ctx)) {
      for (const { field, what, aliases } of HOST_NAMESPACES) {
        if (pod.spec[field] === true) hits.push(k8sHit(pod.object, `${field}: true gives the pod ${what}.`, [...pod.path, field], undefined, aliases));
      }
    }
    return hits;
  },
};

/** Host paths of the container runtime's socket (/var/run is a link to /run on current distributions). */
const DOCKER_SOCKETS = new Set(["/var/run/docker.sock", "/run/docker.sock"]);

/** Host directories Trivy's KSV-0121 names as never to be mounted. */
const SENSITIVE_HOST_PATHS = new Set(["/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/var/lib/docker"]);

/** `/etc/` and `/etc` are the same directory. */
function normalisePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export const hostPathVolumes: Rule = {
  id: "K8S_HOST_PATH",
  title: "Pod mounts a hostPath volume",
  severity: "high",
  // KSV-0023 any hostPath; KSV-0006 the Docker socket; KSV-0121 a sensitive host directory.
  aliases: ["CKV_K8S_27", "KSV-0023", "KSV-0006", "KSV-0121"],
  target: "kubernetes",
  remediation: "Use emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim instead of hostPath.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const pod of workloads(ctx)) {
      const volumes = pod.spec.volumes;
      (Array.isArray(volumes) ? volumes : []).forEach((volume, index) => {
        if (!isObj(volume) || !isObj(volume.hostPath)) return;
        const raw = get(volume, "hostPath", "path");
        const path = typeof raw === "string" ? normalisePath(raw) : null;
        const aliases = ["KSV-0023"];
        let why = "a container escape is one write away.";
        if (path !== null && DOCKER_SOCKETS.has(path)) {
          aliases.push("KSV-0006", "CKV_K8S_27");
          why = "the Docker socket gives the container root on the node.";
        } else if (path !== null && SENSITIVE_HOST_PATHS.has(path)) {
          aliases.push("KSV-0121");
          why = "it is a system directory of the node.";
        }
        hits.push(
          k8sHit(
            pod.object,
            `Volume "${String(volume.name ?? index)}" mounts host path ${String(raw ?? "?")}: ${why}`,
            [...pod.path, "volumes", index],
            undefined,
            aliases,
          ),
        );
      });
    }
    return hits;
  },
};

export const hostPorts: Rule = {
  id: "K8S_HOST_PORT",
  title: "Container binds a port on the node (hostPort)",
  severity: "high",
  aliases: ["CKV_K8S_26", "KSV-0024"],
  target: "kubernetes",
  remediation: "Remove ports[].hostPort and expose the port through a Service (ClusterIP behind an Ingress, or a LoadBalancer).",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const pod of workloads(ctx)) {
      for (const c of containers(pod)) {
        const ports = c.container.ports;
        (Array.isArray(ports) ? ports : []).forEach((port, index) => {
          const hostPort = isObj(port) ? port.hostPort : undefined;
          // 0 is what the API server stores for "no host port".
          if (hostPort === undefined || hostPort === null || hostPort === 0) return;
          hits.push(
            k8sHit(
              pod.object,
              `${containerLabel(c)} binds host port ${String(hostPort)}: the node itself listens, outside NetworkPolicy and Service control.`,
              [...c.path, "ports", index, "hostPort"],
            ),
          );
        });
      }
    }
    return hits;
  },
};

export const hostProcess: Rule = {
  id: "K8S_HOST_PROCESS",
  title: "Windows pod runs a HostProcess container",
  severity: "medium",
  aliases: ["KSV-0103"],
  target: "kubernetes",
  remediation: "Remove securityContext.windowsOptions.hostProcess (pod and containers); run node agents as Windows services instead.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const pod of workloads(ctx)) {
      if (get(pod.spec, "securityContext", "windowsOptions", "hostProcess") === true) {
        hits.push(
          k8sHit(pod.object, "The pod sets windowsOptions.hostProcess: true: its containers run as processes on the Windows node.", [
            ...pod.path,
            "securityContext",
            "windowsOptions",
            "hostProcess",
          ]),
        );
      }
      for (const c of containers(pod, { init: true, ephemeral: true })) {
        if (get(c.container, "securityContext", "windowsOptions", "hostProcess") !== true) continue;
        hits.push(
          k8sHit(pod.object, `${containerLabel(c)} sets windowsOptions.hostProcess: true: it runs as a process on the Windows node.`, [
            ...c.path,
            "securityContext",
            "windowsOptions",
            "hostProcess",
          ]),
        );
      }
    }
    return hits;
  },
};

export const hostAliases: Rule = {
  id: "K8S_HOST_ALIASES",
  title: "Pod manages /etc/hosts (hostAliases)",
  severity: "low",
  aliases: ["KSV-0007"],
  target: "kubernetes",
  remediation: "Remove spec.hostAliases and publish the names in DNS (a Service, an ExternalName Service or CoreDNS configuration).",
  check(ctx) {
    return workloads(ctx)
      .filter((pod) => Array.isArray(pod.spec.hostAliases) && pod.spec.hostAliases.length > 0)
      .map((pod) =>
        k8sHit(pod.object, "spec.hostAliases writes fixed entries into every container's /etc/hosts, bypassing DNS for those names.", [
          ...pod.path,
          "hostAliases",
        ]),
      );
  },
};

/** Rules about access to the node itself. */
export const hostRules: Rule[] = [hostNamespaces, hostPathVolumes, hostPorts, hostProcess, hostAliases];
