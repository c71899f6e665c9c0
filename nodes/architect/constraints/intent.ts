import type { DatabaseEngine } from "../../../schemas/plan.js";
import type { ConstraintWish } from "./wishes.js";

type Wish<K extends ConstraintWish["kind"]> = Extract<ConstraintWish, { kind: K }>;

/**
 * What the goal's constraints ask of the design, one answer per decision. Where two wishes of
 * a kind disagree, a hard one beats a soft one and the first beats the later; the loser is
 * judged like any other wish (`judge.ts`) and so shows as not honoured, never silently dropped.
 */
export interface Intent {
  platform?: "eks" | "ecs-fargate";
  arch?: "arm64" | "x86_64";
  nat?: "none" | "single" | "per-az";
  endpoints?: "preferred" | "forbidden";
  existingVpc: { vpc_id: string; subnet_ids: string[] } | null;
  /** allowed engines, most preferred first; undefined when no constraint names one */
  engines?: DatabaseEngine[];
  azMin?: number;
  azMax?: number;
  spot?: "spot-allowed" | "spot-forbidden";
  controls: ReadonlySet<Wish<"security-control">["control"]>;
  /** families a class may not belong to, and (when non-empty) the only ones it may */
  families: { allow: string[]; forbid: string[] };
  /** a soft budget's allowance over the goal's budget, percent */
  budgetOverPercent?: number;
}

/** Wishes of one kind, hard ones first, then in the order the goal wrote them. */
function ofKind<K extends ConstraintWish["kind"]>(wishes: readonly ConstraintWish[], kind: K): Wish<K>[] {
  const found = wishes.filter((wish): wish is Wish<K> => wish.kind === kind);
  return [...found.filter((wish) => wish.hard), ...found.filter((wish) => !wish.hard)];
}

/** Engines every database-engine wish allows, in the order of the first (most preferred first). */
function allowedEngines(wishes: readonly Wish<"database-engine">[]): DatabaseEngine[] | undefined {
  const [first, ...rest] = wishes;
  if (!first) return undefined;
  const allowed = first.allow.filter((engine) => rest.every((wish) => wish.allow.includes(engine)));
  // wishes that allow nothing in common: the first (hard first) wins, the others show as not honoured
  return allowed.length > 0 ? allowed : first.allow;
}

/** The design decisions the constraints ask for. */
export function intentOf(wishes: readonly ConstraintWish[]): Intent {
  const kubernetes = ofKind(wishes, "kubernetes")[0];
  const networks = ofKind(wishes, "existing-network");
  const network = networks.find((wish) => wish.vpc_id !== null);
  const subnets = [...new Set(networks.flatMap((wish) => wish.subnet_ids))];
  const zones = ofKind(wishes, "availability-zones");
  const mins = zones.flatMap((wish) => (wish.min === null ? [] : [wish.min]));
  const maxes = zones.flatMap((wish) => (wish.max === null ? [] : [wish.max]));
  const families = ofKind(wishes, "instance-families");
  const budget = ofKind(wishes, "budget")[0];
  return {
    platform: kubernetes ? (kubernetes.value === "required" ? "eks" : "ecs-fargate") : undefined,
    arch: ofKind(wishes, "cpu-architecture")[0]?.value,
    nat: ofKind(wishes, "nat")[0]?.value,
    endpoints: ofKind(wishes, "vpc-endpoints")[0]?.value,
    // subnets named without a VPC belong to the VPC named elsewhere; alone, they name no VPC to read
    existingVpc: network?.vpc_id ? { vpc_id: network.vpc_id, subnet_ids: subnets } : null,
    engines: allowedEngines(ofKind(wishes, "database-engine")),
    azMin: mins.length > 0 ? Math.max(...mins) : undefined,
    azMax: maxes.length > 0 ? Math.min(...maxes) : undefined,
    spot: ofKind(wishes, "capacity")[0]?.value,
    controls: new Set(ofKind(wishes, "security-control").map((wish) => wish.control)),
    families: { allow: families.flatMap((wish) => wish.allow), forbid: families.flatMap((wish) => wish.forbid) },
    budgetOverPercent: budget && !budget.hard && budget.over_percent !== null ? budget.over_percent : undefined,
  };
}

/** `db.t4g.micro` → `t4g`, `cache.r6g.large` → `r6g`, `m7g.large` → `m7g`. */
export function familyOf(instanceClass: string): string {
  const parts = instanceClass.split(".");
  return (parts.length >= 3 ? parts[1] : parts[0]) ?? instanceClass;
}

/** True when the constraints let the design use an instance class. */
export function familyAllowed(intent: Intent, instanceClass: string): boolean {
  const family = familyOf(instanceClass);
  if (intent.families.forbid.includes(family)) return false;
  return intent.families.allow.length === 0 || intent.families.allow.includes(family);
}
