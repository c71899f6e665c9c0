/**
 * Data-store sizing: the RDS Postgres class ladder, storage with headroom, read replicas for
 * load beyond one instance, and ElastiCache nodes. RDS classes are Graviton (t4g, m6g, r6g)
 * throughout: Postgres runs the same on arm64, so there is no image to rebuild.
 */

/** One rung of the database ladder, cheapest first. `rps` and `dataGb` are what it comfortably serves. */
export interface DbRung {
  instanceClass: string;
  memoryGb: number;
  rps: number;
  dataGb: number;
  burstable: boolean;
}

/** Postgres classes in price order, with rule-of-thumb capacity per instance. */
export const DB_LADDER: readonly DbRung[] = [
  { instanceClass: "db.t4g.micro", memoryGb: 1, rps: 50, dataGb: 20, burstable: true },
  { instanceClass: "db.t4g.small", memoryGb: 2, rps: 150, dataGb: 50, burstable: true },
  { instanceClass: "db.t4g.medium", memoryGb: 4, rps: 400, dataGb: 150, burstable: true },
  { instanceClass: "db.t4g.large", memoryGb: 8, rps: 800, dataGb: 300, burstable: true },
  { instanceClass: "db.m6g.large", memoryGb: 8, rps: 1500, dataGb: 500, burstable: false },
  { instanceClass: "db.m6g.xlarge", memoryGb: 16, rps: 3000, dataGb: 1000, burstable: false },
  { instanceClass: "db.r6g.xlarge", memoryGb: 32, rps: 6000, dataGb: 2500, burstable: false },
  { instanceClass: "db.r6g.2xlarge", memoryGb: 64, rps: 12000, dataGb: 5000, burstable: false },
  { instanceClass: "db.r6g.4xlarge", memoryGb: 128, rps: 25000, dataGb: 10000, burstable: false },
];

/** First non-burstable rung: production databases should not run on CPU credits by default. */
export const FIRST_STEADY_RUNG = DB_LADDER.findIndex((r) => !r.burstable);

/** The rung at `index`, clamped to the ladder. */
export function dbRung(index: number): DbRung {
  const rung = DB_LADDER[Math.max(0, Math.min(index, DB_LADDER.length - 1))];
  if (!rung) throw new Error("empty database ladder");
  return rung;
}

/** Share of request load that reaches the database when a cache absorbs hot reads. */
export const CACHE_MISS_SHARE = 0.4;

/** Queries per second reaching the primary: the request rate, cut by the cache when there is one. */
export function dbLoad(requestRate: number, cached: boolean): number {
  return Math.ceil(cached ? requestRate * CACHE_MISS_SHARE : requestRate);
}

/** Cheapest rung that serves `load` on one instance (or the top rung) and holds `dataGb` hot enough. */
export function minimumDbRung(load: number, dataGb: number): number {
  const top = DB_LADDER.length - 1;
  const perInstance = Math.min(load, dbRung(top).rps);
  const index = DB_LADDER.findIndex((r) => r.rps >= perInstance && r.dataGb >= dataGb);
  return index === -1 ? top : index;
}

/** The rung the design starts from: prod gets a steady (non-burstable) class, others the minimum. */
export function recommendedDbRung(minimum: number, environment: string): number {
  return environment === "prod" ? Math.max(minimum, FIRST_STEADY_RUNG) : minimum;
}

/** Read replicas the load needs beyond the top rung (at most 5, the RDS limit). */
export function requiredReplicas(load: number): number {
  const top = dbRung(DB_LADDER.length - 1).rps;
  return load > top ? Math.min(5, Math.ceil(load / top) - 1) : 0;
}

/** Most queries/s one primary and five read replicas of the top class serve; beyond it, shard. */
export const MAX_DB_LOAD = dbRung(DB_LADDER.length - 1).rps * 6;

/** RDS Postgres default `max_connections`: LEAST(memory / 9,531,392 bytes, 5000). */
export function maxConnections(memoryGb: number): number {
  return Math.min(5000, Math.floor((memoryGb * 1024 ** 3) / 9_531_392));
}

/** Allocated storage (GB, at least 20, 30 % over 12-month data) and the autoscaling ceiling. */
export function dbStorage(dataGb: number, growth: number, environment: string): { storageGb: number; maxStorageGb: number } {
  const limit = 65_536;
  const storageGb = Math.min(limit, Math.max(20, Math.ceil(Number((dataGb * growth * 1.3).toPrecision(12)))));
  const multiple = environment === "prod" ? 3 : 2;
  return { storageGb, maxStorageGb: Math.min(limit, Math.max(storageGb * multiple, 100)) };
}

/** ElastiCache Redis node type and count: one small node outside prod, a primary and replica in prod. */
export function cacheSize(environment: string, peakRps: number, azCount: number): { nodeType: string; nodes: number; multiAz: boolean } {
  if (environment === "dev") return { nodeType: "cache.t4g.micro", nodes: 1, multiAz: false };
  if (environment === "staging") return { nodeType: "cache.t4g.small", nodes: 1, multiAz: false };
  const nodeType = peakRps < 1000 ? "cache.t4g.medium" : peakRps < 5000 ? "cache.m6g.large" : "cache.r6g.large";
  const multiAz = azCount >= 2;
  return { nodeType, nodes: multiAz ? 2 : 1, multiAz };
}

/** A web API at or above this peak rps gets a cache even when the goal does not ask for one. */
export const CACHE_RPS_THRESHOLD = 1000;

/**
 * The Aurora class for a rung: Aurora has no m-classes and no class below db.t4g.medium, so the
 * smaller burstable rungs take db.t4g.medium and the m6g rungs the r6g class of the same size.
 * Null where the price sheet has no Aurora class big enough (the design keeps RDS).
 */
export function auroraClassFor(rung: DbRung): string | null {
  const byRung: Record<string, string> = {
    "db.t4g.micro": "db.t4g.medium",
    "db.t4g.small": "db.t4g.medium",
    "db.t4g.medium": "db.t4g.medium",
    "db.t4g.large": "db.r6g.large",
    "db.m6g.large": "db.r6g.large",
    "db.m6g.xlarge": "db.r6g.xlarge",
    "db.r6g.xlarge": "db.r6g.xlarge",
    "db.r6g.2xlarge": "db.r6g.2xlarge",
  };
  return byRung[rung.instanceClass] ?? null;
}
