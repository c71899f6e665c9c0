import type { DatabaseEngine } from "../../schemas/plan.js";
import type { Design, Sized } from "./design.js";
import { type AvailabilityPart, availabilityArithmetic, availabilityParts, compositeAvailability } from "./redundancy.js";
import { auroraClassFor } from "./sizing-db.js";

/** The composite estimate of a sized design: its serial parts and their product. */
export interface Availability {
  parts: AvailabilityPart[];
  estimated: number;
}

/** The serial dependencies of a sized design and their composite availability. */
export function availabilityOf(d: Design, s: Sized): Availability {
  const parts = availabilityParts({
    ingress: d.pattern.def.ingress,
    platform: d.pattern.platform,
    azCount: d.azCount,
    tasks: s.service ? s.service.tasks : null,
    database: s.database ? { engine: s.database.engine, multiAz: s.database.multiAz } : null,
    queue: d.pattern.def.compute === "worker",
    // A static site's objects are served from CloudFront's cache; only the pipeline reads S3 in its path.
    bucket: d.pattern.def.compute === "scheduled",
  });
  return { parts, estimated: compositeAvailability(parts) };
}

/** True when the estimate meets the goal's availability objective. */
export function meetsSlo(d: Design, s: Sized): boolean {
  return availabilityOf(d, s).estimated >= d.goal.slo.availability;
}

/** The Aurora engine of the same family, when the constraints allow it (none named: Postgres's). */
function auroraEngine(d: Design): DatabaseEngine | null {
  const family: DatabaseEngine = d.dbEngine === "mysql" || d.dbEngine === "aurora-mysql" ? "aurora-mysql" : "aurora-postgresql";
  const allowed = d.intent.engines ?? ["postgres", "aurora-postgresql"];
  return allowed.includes(family) ? family : null;
}

/** One move that raises the estimate, or null when it does not apply. */
interface Raise {
  id: "spread-compute" | "multi-az-db" | "aurora";
  apply(d: Design, s: Sized): { design: Design; note: string } | null;
}

/**
 * Moves that raise availability, cheapest kind first: compute across two AZs (a second task),
 * a Multi-AZ database (a standby), then Aurora (a cluster with a reader in another AZ and a
 * faster failover). Each is kept only when it raises the estimate.
 */
export const RAISES: readonly Raise[] = [
  {
    id: "spread-compute",
    apply: (d, s) =>
      d.pattern.platform !== "none" && !(d.azCount >= 2 && (s.service === null || s.service.tasks >= 2))
        ? {
            design: { ...d, computeSpread: true, azCount: Math.max(2, d.azCount), natCount: d.natCount > 1 ? Math.max(2, d.azCount) : d.natCount },
            note: "compute across two AZs (at least two tasks)",
          }
        : null,
  },
  {
    id: "multi-az-db",
    apply: (d, s) =>
      d.database && s.database && !s.database.multiAz && !s.database.engine.startsWith("aurora-")
        ? { design: { ...d, database: { ...d.database, multiAz: true } }, note: "Multi-AZ database (a standby in a second AZ)" }
        : null,
  },
  {
    id: "aurora",
    apply: (d, s) => {
      if (!d.database || !s.database || s.database.engine.startsWith("aurora-")) return null;
      const engine = auroraEngine(d);
      if (!engine || !auroraClassFor(s.database.rung)) return null;
      return {
        design: { ...d, dbEngine: engine, database: { ...d.database, multiAz: true } },
        note: `${engine === "aurora-mysql" ? "Aurora MySQL" : "Aurora PostgreSQL"} cluster with a reader in a second AZ (Aurora's Multi-AZ SLA is 99.99 %)`,
      };
    },
  },
];

/** The design raised to its SLO, or as far as the raises go. */
export interface Raised {
  design: Design;
  notes: string[];
  met: boolean;
  availability: Availability;
}

/**
 * Applies raises in order while the estimate misses the objective. The caller sizes designs
 * (`size`), so this stays free of pricing.
 */
export function raiseToSlo(start: Design, size: (d: Design) => Sized): Raised {
  let design = start;
  let sized = size(design);
  let availability = availabilityOf(design, sized);
  const notes: string[] = [];
  const target = design.goal.slo.availability;
  for (const raise of RAISES) {
    if (availability.estimated >= target) break;
    const next = raise.apply(design, sized);
    if (!next) continue;
    const nextSized = size(next.design);
    const nextAvailability = availabilityOf(next.design, nextSized);
    if (nextAvailability.estimated <= availability.estimated) continue;
    notes.push(`slo (${raise.id}): ${next.note}; estimate ${availability.estimated} % → ${nextAvailability.estimated} % for the ${target} % objective`);
    design = next.design;
    sized = nextSized;
    availability = nextAvailability;
  }
  return { design, notes, met: availability.estimated >= target, availability };
}

/** Why no design reaches the objective: the best composite and what it would take. */
export function sloArithmetic(raised: Raised): string[] {
  const target = raised.design.goal.slo.availability;
  return [
    `best estimate of this design: ${availabilityArithmetic(raised.availability.parts)} < ${target} % objective`,
    "each figure is the provider's published monthly SLA for a serial dependency (nodes/architect/redundancy.ts PUBLISHED_SLA)",
    ...(raised.notes.length > 0 ? [`raised already: ${raised.notes.map((note) => note.replace(/^slo \(([^)]+)\).*$/, "$1")).join(", ")}`] : []),
    `to unblock: lower the availability objective to ${raised.availability.estimated} % or less, or ask for a multi-region design (active-active across two regions), which the catalogue does not build yet`,
  ];
}
