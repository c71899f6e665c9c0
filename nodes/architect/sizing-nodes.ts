/**
 * EKS managed node groups sized from the pods they carry. Allocatable capacity leaves room
 * for the kubelet, kube-proxy, the VPC CNI and CoreDNS; prod keeps one spare node so a
 * drain or an AZ loss does not leave pods pending (`compute/hpa-not-scaling.md`).
 */

export type Architecture = "x86_64" | "arm64";

interface NodeType {
  x86: string;
  arm: string;
  vcpu: number;
  memoryGb: number;
}

/** Node types in size order; each x86 type has a Graviton twin at the same shape. */
export const NODE_TYPES: readonly NodeType[] = [
  { x86: "t3.medium", arm: "t4g.medium", vcpu: 2, memoryGb: 4 },
  { x86: "m6i.large", arm: "m7g.large", vcpu: 2, memoryGb: 8 },
  { x86: "m6i.xlarge", arm: "m7g.xlarge", vcpu: 4, memoryGb: 16 },
  { x86: "m6i.2xlarge", arm: "m7g.2xlarge", vcpu: 8, memoryGb: 32 },
];

/** Root volume EKS managed node groups create when no launch template is given (gp2). */
export const NODE_DISK_GB = 20;
/** Above this many nodes, move to the next node size. */
const MAX_NODES_PER_TYPE = 12;

/** A sized node group. */
export interface NodeSizing {
  instanceType: string;
  nodes: number;
  vcpu: number;
  memoryGb: number;
}

/** Inputs to `sizeNodes`. */
export interface NodeInput {
  pods: number;
  podCpu: number;
  podMemoryMb: number;
  arch: Architecture;
  environment: string;
  azCount: number;
  /** whether the goal's constraints allow an instance type (instance-family constraints); all when absent */
  allowed?: (instanceType: string) => boolean;
  /**
   * Pods of different sizes (the goal's own components: replicas at their requests). When given,
   * they are packed first-fit decreasing instead of `pods` × `podCpu`/`podMemoryMb`.
   */
  workloads?: readonly { count: number; cpu: number; memoryMb: number }[];
}

/**
 * Nodes that hold `pods` of different sizes, first-fit decreasing by CPU then memory into the
 * node's allocatable; null when one pod is bigger than a whole node.
 */
export function packedNodes(pods: readonly { count: number; cpu: number; memoryMb: number }[], alloc: { cpu: number; memoryGb: number }): number | null {
  const each = pods.flatMap((p) => Array.from({ length: p.count }, () => ({ cpu: p.cpu, memoryMb: p.memoryMb })));
  each.sort((a, b) => b.cpu - a.cpu || b.memoryMb - a.memoryMb);
  const free: { cpu: number; memoryMb: number }[] = [];
  for (const pod of each) {
    if (pod.cpu > alloc.cpu || pod.memoryMb > alloc.memoryGb * 1024) return null;
    const node = free.find((n) => n.cpu >= pod.cpu && n.memoryMb >= pod.memoryMb);
    if (node) {
      node.cpu -= pod.cpu;
      node.memoryMb -= pod.memoryMb;
    } else free.push({ cpu: alloc.cpu - pod.cpu, memoryMb: alloc.memoryGb * 1024 - pod.memoryMb });
  }
  return free.length;
}

function allocatable(type: NodeType): { cpu: number; memoryGb: number } {
  return { cpu: type.vcpu * 0.9 - 0.2, memoryGb: type.memoryGb * 0.85 - 0.5 };
}

/**
 * Nodes = pods over pods-per-node (each node packs whole pods into its allocatable CPU and
 * memory), plus one spare in prod, at least one per AZ (two in prod). Burstable types only
 * outside prod; a node must hold at least two pods unless it is the largest type.
 */
export function sizeNodes(input: NodeInput): NodeSizing {
  const name = (type: NodeType) => (input.arch === "arm64" ? type.arm : type.x86);
  const permitted = NODE_TYPES.slice(input.environment === "prod" ? 1 : 0).filter((type) => input.allowed?.(name(type)) ?? true);
  // no allowed type: keep the default ladder (the constraint is then judged not honoured)
  const candidates = permitted.length > 0 ? permitted : NODE_TYPES.slice(input.environment === "prod" ? 1 : 0);
  const last = candidates[candidates.length - 1];
  let result: NodeSizing | undefined;
  for (const type of candidates) {
    const alloc = allocatable(type);
    let packed: number;
    if (input.workloads) {
      const needed = packedNodes(input.workloads, alloc);
      if (needed === null && type !== last) continue;
      // a pod larger than the largest node is still counted (one node each); the cluster cannot schedule it, and the plan says nodes, not fit
      packed = needed ?? input.workloads.reduce((sum, w) => sum + w.count, 0);
    } else {
      const fit = Math.min(Math.floor(alloc.cpu / input.podCpu), Math.floor((alloc.memoryGb * 1024) / input.podMemoryMb));
      if (fit < 2 && type !== last) continue;
      packed = Math.ceil(input.pods / Math.max(1, fit));
    }
    const spare = input.environment === "prod" ? 1 : 0;
    const floor = input.environment === "prod" ? Math.max(2, input.azCount) : Math.max(1, input.azCount);
    const nodes = Math.max(packed + spare, floor);
    result = { instanceType: name(type), nodes, vcpu: type.vcpu, memoryGb: type.memoryGb };
    if (nodes <= MAX_NODES_PER_TYPE) break;
  }
  if (!result) throw new Error("no EKS node type fits");
  return result;
}
