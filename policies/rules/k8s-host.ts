import type { Rule, RuleHit } from "../types.js";
import { get, isObj, k8sHit, workloads } from "./helpers/kubernetes.js";

const HOST_NAMESPACES = [
  { field: "hostNetwork", what: "the node's network stack (it can sniff and bind host ports)" },
  { field: "hostPID", what: "the node's process table (it can see and signal every process)" },
  { field: "hostIPC", what: "the node's IPC namespace (shared memory of other workloads)" },
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
      for (const { field, what } of HOST_NAMESPACES) {
        if (pod.spec[field] === true) hits.push(k8sHit(pod.object, `${field}: true gives the pod ${what}.`, [...pod.path, field]));
      }
    }
    return hits;
  },
};

export const hostPathVolumes: Rule = {
  id: "K8S_HOST_PATH",
  title: "Pod mounts a hostPath volume",
  severity: "high",
  aliases: ["KSV-0023"],
  target: "kubernetes",
  remediation: "Use emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim instead of hostPath.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const pod of workloads(ctx)) {
      const volumes = pod.spec.volumes;
      (Array.isArray(volumes) ? volumes : []).forEach((volume, index) => {
        if (!isObj(volume) || !isObj(volume.hostPath)) return;
        const path = get(volume, "hostPath", "path");
        hits.push(
          k8sHit(pod.object, `Volume "${String(volume.name ?? index)}" mounts host path ${String(path ?? "?")}: a container escape is one write away.`, [
            ...pod.path,
            "volumes",
            index,
          ]),
        );
      });
    }
    return hits;
  },
};

/** Rules about access to the node itself. */
export const hostRules: Rule[] = [hostNamespaces, hostPathVolumes];
