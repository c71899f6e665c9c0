import { AtlasError } from "../../../lib/errors.js";
import type { PlanSpec } from "../../../schemas/plan.js";

/**
 * The address plan inside `network.vpc_cidr` (the plan names only the workload subnet; the rest
 * is the builder's choice, carved from the same block so nothing overlaps a peer network):
 * a /4-smaller block each for the workload subnet (index 0, unless the plan names one), GKE
 * services (index 1), the private services access range of Cloud SQL and Memorystore
 * (index 2) and the proxy-only subnet of an internal Application Load Balancer (index 3); the
 * upper half of the block for GKE pods.
 */
export interface AddressPlan {
  workloads: string;
  services: string;
  privateServices: { address: string; prefixLength: number };
  pods: string;
  proxyOnly: string;
}

function toNumber(address: string): number {
  return address.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** `a.b.c.d/n` as its first address and prefix length, or undefined when malformed. */
export function parseCidr(cidr: string): { start: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const parts = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (parts.some((p) => p > 255) || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { start: Math.floor(toNumber(parts.join(".")) / size) * size, prefix };
}

/** The `index`-th block of `prefix + newBits` inside `cidr` (as Terraform's cidrsubnet). */
export function subnet(cidr: string, newBits: number, index: number): string {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`not a CIDR block: ${cidr}`);
  const prefix = parsed.prefix + newBits;
  return `${toAddress(parsed.start + index * 2 ** (32 - prefix))}/${prefix}`;
}

function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const xEnd = x.start + 2 ** (32 - x.prefix);
  const yEnd = y.start + 2 ** (32 - y.prefix);
  return x.start < yEnd && y.start < xEnd;
}

/**
 * The address plan of a design.
 * @throws AtlasError `VALIDATION_FAILED` when `vpc_cidr` is malformed or smaller than a /20 (too
 *   small to hold GKE pod ranges and the private services range), or the plan's workload subnet
 *   overlaps a range the builder carves
 */
export function addressPlan(plan: PlanSpec): AddressPlan {
  const vpc = parseCidr(plan.network.vpc_cidr);
  if (!vpc || vpc.prefix > 20) {
    throw new AtlasError("VALIDATION_FAILED", `vpc_cidr "${plan.network.vpc_cidr}" must be a CIDR block of /20 or larger`, {
      issues: [{ path: "network.vpc_cidr", message: "use a block such as 10.20.0.0/16" }],
    });
  }
  const cidr = plan.network.vpc_cidr;
  const carved = { services: subnet(cidr, 4, 1), privateServices: subnet(cidr, 4, 2), proxyOnly: subnet(cidr, 4, 3), pods: subnet(cidr, 1, 1) };
  const workloads = plan.network.private_subnets[0] ?? subnet(cidr, 4, 0);
  for (const [name, range] of Object.entries(carved)) {
    if (overlaps(workloads, range)) {
      throw new AtlasError("VALIDATION_FAILED", `workload subnet ${workloads} overlaps the ${name} range ${range} carved from ${cidr}`, {
        issues: [{ path: "network.private_subnets[0]", message: `use the first /${vpc.prefix + 4} of vpc_cidr (${subnet(cidr, 4, 0)})` }],
      });
    }
  }
  const [address, length] = carved.privateServices.split("/") as [string, string];
  return { workloads, services: carved.services, privateServices: { address, prefixLength: Number(length) }, pods: carved.pods, proxyOnly: carved.proxyOnly };
}
