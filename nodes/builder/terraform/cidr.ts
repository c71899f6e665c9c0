import { AtlasError } from "../../../lib/errors.js";

/** An IPv4 block as a start address and a prefix length. */
interface Block {
  start: number;
  prefix: number;
}

/** `10.0.16.0/20` → { start, prefix }, or null for anything that is not an IPv4 CIDR. */
function parseCidr(cidr: string): Block | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!match) return null;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { start: address - (address % size), prefix };
}

function sizeOf(block: Block): number {
  return 2 ** (32 - block.prefix);
}

function format(block: Block): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block.start / 2 ** shift) % 256);
  return `${octets.join(".")}/${block.prefix}`;
}

function overlaps(a: Block, b: Block): boolean {
  return a.start < b.start + sizeOf(b) && b.start < a.start + sizeOf(a);
}

/**
 * The first `count` blocks of `/prefix` inside `vpcCidr` that overlap none of `used`, in
 * address order. The builder needs this when the plan gives a database fewer private subnets
 * than AWS accepts (two AZs) and it must add one without colliding with the plan's own.
 * @throws AtlasError `VALIDATION_FAILED` when the VPC range is not a CIDR or has no room left
 */
export function freeBlocks(vpcCidr: string, used: readonly string[], prefix: number, count: number): string[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) {
    throw new AtlasError("VALIDATION_FAILED", `network.vpc_cidr "${vpcCidr}" is not an IPv4 CIDR`, {
      issues: [{ path: "network.vpc_cidr", message: "an IPv4 CIDR such as 10.0.0.0/16" }],
    });
  }
  const taken = used.map(parseCidr).filter((b): b is Block => b !== null);
  const want = Math.max(prefix, vpc.prefix);
  const step = 2 ** (32 - want);
  const found: string[] = [];
  for (let start = vpc.start; start + step <= vpc.start + sizeOf(vpc) && found.length < count; start += step) {
    const candidate = { start, prefix: want };
    if (taken.some((t) => overlaps(t, candidate))) continue;
    taken.push(candidate);
    found.push(format(candidate));
  }
  if (found.length < count) {
    throw new AtlasError("VALIDATION_FAILED", `network.vpc_cidr ${vpcCidr} has no free /${want} left for another database subnet`, {
      issues: [{ path: "network.private_subnets", message: "give private subnets in at least two availability zones" }],
    });
  }
  return found;
}

/** The prefix length of a CIDR (`/20` → 20), or undefined when it is not one. */
export function prefixOf(cidr: string): number | undefined {
  return parseCidr(cidr)?.prefix;
}
