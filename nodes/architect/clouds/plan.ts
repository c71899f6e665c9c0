import { isAtlasError } from "../../../lib/errors.js";
import type { GoalStatement } from "../../../schemas/goal.js";
import { type PlanSpec, planSpecSchema } from "../../../schemas/plan.js";
import { cents, dollars } from "../bill.js";
import { carryFrom } from "../carry.js";
import { intentOf } from "../constraints/intent.js";
import { readConstraints } from "../constraints/read.js";
import type { PlanContext, PlanOutcome } from "../outcome.js";
import { redundancyFor, strictCompliance } from "../redundancy.js";
import { assembleCloudPlan } from "./assemble.js";
import { azureProfile } from "./azure.js";
import { type CloudCommentDirectives, readCloudComments } from "./comments.js";
import { type CloudDesign, sizeCloud, sloMinimumTasks, wantsCache, wantsDatabase } from "./design.js";
import { gcpProfile } from "./gcp.js";
import { judgeCloudConstraints } from "./judge.js";
import { type AnyProfile, priceCloud } from "./price.js";
import { dbStep } from "./profile.js";
import { composite, compositeArithmetic } from "./sla.js";

/** The profile of a goal's cloud. */
export function profileOf(cloud: "azure" | "gcp"): AnyProfile {
  return cloud === "azure" ? azureProfile : gcpProfile;
}

function blocked(reason: string, arithmetic: string[]): PlanOutcome {
  return { kind: "blocked", reason, arithmetic };
}

/** The first design for a goal: the pattern's defaults, the constraints' choices, the SLO's redundancy. */
function initialDesign(goal: GoalStatement, profile: AnyProfile): { design: CloudDesign; kubernetesForbidden: boolean } {
  const redundancy = redundancyFor(goal);
  const reading = readConstraints(goal.constraints, goal.existing_components);
  const wishes = reading.flatMap((entry) => entry.wishes);
  const intent = intentOf(wishes);
  const serverlessWish = wishes.find((wish) => wish.kind === "serverless");
  const kubernetesForbidden = intent.platform === "ecs-fargate";
  const type = goal.workload.type;
  const runtime: CloudDesign["runtime"] =
    type === "static-site"
      ? "none"
      : goal.components?.length ||
          intent.platform === "eks" ||
          (serverlessWish?.kind === "serverless" && serverlessWish.value === "forbidden" && !kubernetesForbidden)
        ? "kubernetes"
        : "serverless";
  const wanted = redundancy.azRecommended >= 2 ? 3 : 1;
  const zones = Math.max(intent.azMin ?? 1, Math.min(wanted, intent.azMax ?? 3));
  const ingress: CloudDesign["ingress"] =
    type === "static-site"
      ? "cdn"
      : type === "web-api"
        ? intent.controls.has("private-only")
          ? "internal"
          : "public"
        : type === "internal-service"
          ? "internal"
          : "none";
  const engines = (intent.engines ?? ["postgres"]).filter((engine): engine is "postgres" | "mysql" => engine === "postgres" || engine === "mysql");
  const compliance = goal.compliance.some((c) => c === "pci" || c === "hipaa" || c === "soc2");
  const design: CloudDesign = {
    goal,
    cloud: profile.cloud,
    redundancy,
    intent,
    runtime,
    zones,
    ingress,
    database: null,
    cache: wantsCache(goal),
    waf: (ingress === "public" || ingress === "cdn") && (intent.controls.has("waf") || compliance),
    cmk: intent.controls.has("customer-managed-kms") || strictCompliance(goal),
    nat: intent.nat === "single" || intent.nat === "per-az" || (runtime === "kubernetes" && profile.cloud === "gcp" && intent.nat !== "none"),
    premiumMessaging: false,
    minTasks: sloMinimumTasks(redundancy, zones),
    steps: [],
    pins: [],
    noRaises: [],
  };
  if (wantsDatabase(goal)) {
    const ha = redundancy.dbMultiAzRequired;
    const load = sizeCloud(design).dbLoad;
    const top = profile.dbLadder[profile.dbLadder.length - 1]?.rps ?? 1;
    design.database = {
      step: dbStep(profile.dbLadder, load, ha || goal.environment === "prod"),
      ha,
      replicas: load > top ? Math.min(5, Math.ceil(load / top) - 1) : 0,
      engine: engines[0] ?? "postgres",
      premiumEdition: false,
    };
  }
  return { design, kubernetesForbidden };
}

/** Moves that raise the composite estimate, cheapest kind first; each kept only when it raises it. */
function raises(d: CloudDesign, profile: AnyProfile, kubernetesForbidden: boolean): { id: string; design: CloudDesign; note: string }[] {
  const out: { id: string; design: CloudDesign; note: string }[] = [];
  if (d.zones < 2 && (d.intent.azMax ?? 3) >= 2) {
    const zones = Math.min(3, d.intent.azMax ?? 3);
    out.push({ id: "spread", design: { ...d, zones, minTasks: Math.max(2, d.minTasks) }, note: `spread across ${zones} zones, at least two replicas` });
  }
  if (d.database && !d.database.ha) {
    const step = profile.dbLadder[d.database.step]?.burstable ? dbStep(profile.dbLadder, 0, true) : d.database.step;
    out.push({
      id: "db-ha",
      design: { ...d, database: { ...d.database, ha: true, step: Math.max(step, d.database.step) } },
      note: "database HA standby in a second zone",
    });
  }
  if (d.cloud === "azure" && d.goal.workload.type === "worker" && !d.premiumMessaging)
    out.push({ id: "premium-messaging", design: { ...d, premiumMessaging: true }, note: "Service Bus Premium (99.95 % SLA)" });
  if (d.cloud === "gcp" && d.database?.ha && !d.database.premiumEdition)
    out.push({
      id: "sql-enterprise-plus",
      design: { ...d, database: { ...d.database, premiumEdition: true } },
      note: "Cloud SQL Enterprise Plus (99.99 % SLA for HA instances)",
    });
  if (d.runtime === "serverless" && !kubernetesForbidden && (d.intent.azMax ?? 3) >= 2)
    out.push({
      id: "kubernetes",
      design: { ...d, runtime: "kubernetes", zones: Math.max(d.zones, 3), nat: d.cloud === "gcp" ? d.intent.nat !== "none" : d.nat },
      note: `${profile.names.kubernetes} with nodes across zones instead of ${profile.names.serverless} (its ${profile.names.serverless} SLA caps the composite)`,
    });
  return out.filter((raise) => !d.noRaises.includes(raise.id));
}

/** Raises the design until the composite estimate meets the objective, or as far as the raises go. */
function raiseToSlo(start: CloudDesign, profile: AnyProfile, kubernetesForbidden: boolean): { design: CloudDesign; notes: string[]; met: boolean } {
  let design = start;
  const notes: string[] = [];
  const target = design.goal.slo.availability;
  for (let round = 0; round < 6 && composite(profile.slaParts(design)) < target; round++) {
    const current = composite(profile.slaParts(design));
    const next = raises(design, profile, kubernetesForbidden).find((raise) => composite(profile.slaParts(raise.design)) > current);
    if (!next) break;
    notes.push(`slo (${next.id}): ${next.note}; estimate ${current} % → ${composite(profile.slaParts(next.design))} % for the ${target} % objective`);
    design = next.design;
  }
  return { design, notes, met: composite(profile.slaParts(design)) >= target };
}

/** Budget steps, in the order they are tried; each keeps the SLO and the constraints. */
function budgetSteps(d: CloudDesign, profile: AnyProfile): { id: string; design: CloudDesign; note: string }[] {
  const steps: { id: string; design: CloudDesign; note: string }[] = [];
  const db = d.database;
  if (db && db.replicas > 0) steps.push({ id: "drop-read-replicas", design: { ...d, database: { ...db, replicas: 0 } }, note: "no read replicas" });
  if (d.cache && d.goal.workload.needs_cache !== true)
    steps.push({ id: "drop-cache", design: { ...d, cache: false }, note: "no cache (the database takes every read)" });
  if (db && db.step > 0) {
    const load = sizeCloud(d).dbLoad;
    const smaller = profile.dbLadder[db.step - 1];
    if (smaller && smaller.rps >= load && !(smaller.burstable && (db.ha || d.goal.environment === "prod")))
      steps.push({ id: "smaller-db", design: { ...d, database: { ...db, step: db.step - 1 } }, note: `database ${smaller.size}` });
  }
  if (db?.premiumEdition)
    steps.push({ id: "sql-enterprise", design: { ...d, database: { ...db, premiumEdition: false } }, note: "Cloud SQL Enterprise edition" });
  if (d.nat && d.intent.nat === undefined && d.runtime !== "kubernetes") steps.push({ id: "no-nat", design: { ...d, nat: false }, note: "no NAT gateway" });
  if (d.zones > 1 && d.redundancy.azMinimum === 1 && (d.intent.azMin ?? 1) <= 1)
    steps.push({ id: "one-zone", design: { ...d, zones: 1, minTasks: sloMinimumTasks(d.redundancy, 1) }, note: "one zone" });
  if (d.waf && !d.intent.controls.has("waf"))
    steps.push({ id: "drop-waf", design: { ...d, waf: false }, note: "no WAF (it was implied by compliance, not asked for)" });
  return steps.filter((step) => !d.pins.includes(step.id));
}

function keepsPromises(d: CloudDesign, profile: AnyProfile): boolean {
  return composite(profile.slaParts(d)) >= d.goal.slo.availability;
}

/**
 * The planner for Azure and Google Cloud goals: the AWS planner's contract (constraints read and
 * judged, the SLO a gate, usage priced apart from fixed cost, the budget fitted with named steps,
 * BLOCKED with arithmetic) over each cloud's own catalogue, SLAs and price card.
 */
export function planOtherCloud(goal: GoalStatement, ctx: PlanContext, options: { advise?: boolean } = {}): PlanOutcome {
  const profile = profileOf(goal.cloud as "azure" | "gcp");
  if (!profile.regions.includes(goal.region))
    return blocked(`region ${goal.region} has no ${profile.label} price card, so no cost can be checked against the budget`, [
      `requested region: ${goal.region}`,
      `priced ${profile.label} regions: ${profile.regions.join(", ")}`,
      `to unblock: choose a priced region, or add its card with \`pnpm prices refresh --cloud ${profile.cloud} --region ${goal.region}\``,
    ]);
  try {
    return planPriced(goal, ctx, profile, options);
  } catch (error) {
    if (isAtlasError(error) && error.details?.unpricedIn === goal.region)
      return blocked(`${error.message}, so no cost can be checked against the budget`, [
        `requested region: ${goal.region}`,
        `unpriced: ${error.message}`,
        "to unblock: choose a region whose card prices it, or refresh the card",
      ]);
    throw error;
  }
}

/** The first design with a reviewer's directives applied (comments.ts says which and why). */
function directed(d: CloudDesign, directives: CloudCommentDirectives, profile: AnyProfile): CloudDesign {
  const set = directives.set;
  const out: CloudDesign = { ...d, pins: directives.pins, noRaises: directives.noRaises };
  if (set.cache !== undefined) out.cache = set.cache;
  if (set.runtime !== undefined) out.runtime = set.runtime;
  if (set.cmk !== undefined) out.cmk = set.cmk;
  if (set.waf !== undefined) out.waf = set.waf;
  if (set.zones !== undefined) {
    out.zones = set.zones;
    out.minTasks = set.zones > 1 ? Math.max(2, sloMinimumTasks(d.redundancy, set.zones)) : sloMinimumTasks(d.redundancy, 1);
  }
  if (out.runtime === "kubernetes" && set.zones === undefined) out.zones = Math.max(out.zones, 3);
  if (d.database && (set.dbHa !== undefined || set.readReplicas !== undefined)) {
    const ha = set.dbHa ?? d.database.ha;
    // Burstable / shared-core sizes have no HA: the smallest steady one
    const step = ha && profile.dbLadder[d.database.step]?.burstable ? Math.max(d.database.step, dbStep(profile.dbLadder, 0, true)) : d.database.step;
    out.database = { ...d.database, ha, step, replicas: set.readReplicas ?? d.database.replicas };
  }
  return out;
}

function planPriced(goal: GoalStatement, ctx: PlanContext, profile: AnyProfile, options: { advise?: boolean }): PlanOutcome {
  const reading = readConstraints(goal.constraints, goal.existing_components);
  const { design: first, kubernetesForbidden } = initialDesign(goal, profile);
  // a reviewer's comments (this round's and the ones earlier versions carried), read as directives
  const inherited = carryFrom(ctx.previous);
  const directives = readCloudComments(ctx.revisionComments ?? [], inherited.comments, {
    profile,
    redundancy: first.redundancy,
    kubernetesForbidden,
    publicEntry: first.ingress === "public" || first.ingress === "cdn",
    hasDatabase: first.database !== null,
    runsContainers: first.runtime !== "none",
  });
  const start = directed(first, directives, profile);
  // a carried budget directive holds only while the goal's budget is the one it replaced
  const goalCents = cents(goal.budget.monthly_usd);
  const staleBudget = directives.budgetCarried === true && inherited.goalBudgetCents !== goalCents;
  const directedUsd = staleBudget ? undefined : directives.budgetUsd;
  // a soft budget's stated allowance (e.g. "can go 20 % over") widens the cap; a reviewer's directive replaces it
  const allowance = directedUsd === undefined && start.intent.budgetOverPercent ? 1 + start.intent.budgetOverPercent / 100 : 1;
  const capCents = cents((directedUsd ?? goal.budget.monthly_usd) * allowance);
  if (goal.components?.length && kubernetesForbidden)
    return blocked(`the goal's components run on Kubernetes (${profile.names.kubernetes}), and a constraint forbids Kubernetes`, [
      `components: ${goal.components.map((c) => c.name).join(", ")}`,
      "to unblock: drop the components (Atlas sizes one workload on serverless containers), or relax the constraint",
    ]);
  let raised = raiseToSlo(start, profile, kubernetesForbidden);
  const directiveNotes = [...directives.notes];
  if (!raised.met && directives.notes.some((note) => note.includes(": applied: "))) {
    // the reviewer's directives make the objective unreachable: refused, with the arithmetic; the SLO stands
    const without = raiseToSlo({ ...first, steps: [] }, profile, kubernetesForbidden);
    if (without.met) {
      directiveNotes.push(
        `reviewer directives refused for the SLO: with them the best estimate is ${composite(profile.slaParts(raised.design))} % < the ${goal.slo.availability} % objective (${compositeArithmetic(profile.slaParts(raised.design))})`,
      );
      raised = without;
    }
  }
  if (!raised.met) {
    const parts = profile.slaParts(raised.design);
    return blocked(
      `no ${profile.label} design in the catalogue meets the ${goal.slo.availability} % availability objective: the best estimate is ${composite(parts)} %`,
      [
        `best estimate of this design: ${compositeArithmetic(parts)} < ${goal.slo.availability} % objective`,
        "each figure is the provider's published monthly SLA for a serial dependency (nodes/architect/clouds/sla.ts)",
        ...(raised.notes.length ? [`raised already: ${raised.notes.map((n) => n.replace(/^slo \(([^)]+)\).*$/, "$1")).join(", ")}`] : []),
        ...(kubernetesForbidden && raised.design.runtime === "serverless"
          ? [`${profile.names.kubernetes} would raise it, but a constraint forbids Kubernetes`]
          : []),
        `to unblock: lower the availability objective to ${composite(parts)} % or less, or ask for a multi-region design, which the catalogue does not build yet`,
      ],
    );
  }
  // the validator prices the Terraform; a FAIL for cost sends back what it found beyond the plan
  const quoted = (ctx.findings ?? []).some((f) => f.rule_id.startsWith("COST_"));
  let design = raised.design;
  let bill = priceCloud(profile, design, sizeCloud(design));
  const taken: string[] = [];
  const target = quoted && ctx.previous ? Math.min(capCents, cents(ctx.previous.cost.monthly_total_usd) - 1) : capCents;
  while (bill.totalCents > target) {
    const next = budgetSteps(design, profile).find((step) => keepsPromises(step.design, profile));
    if (!next) break;
    const before = bill.totalCents;
    design = { ...next.design, steps: [...design.steps, next.id] };
    bill = priceCloud(profile, design, sizeCloud(design));
    taken.push(`budget (${next.id}): ${next.note}; ${dollars(before)} → ${dollars(bill.totalCents)}/month`);
  }
  if (bill.totalCents > target) {
    return blocked(
      `the cheapest ${profile.label} design that meets the ${goal.slo.availability} % SLO and the sizing costs ${dollars(bill.totalCents)}/month, over the ${dollars(target)} budget`,
      [
        `cheapest design: fixed ${dollars(bill.fixedCents)} + usage ${dollars(bill.usageCents)} = ${dollars(bill.totalCents)}/month > budget ${dollars(target)}`,
        ...bill.items
          .filter((item) => item.fixedCents + item.usageCents > 0)
          .map((item) => `${item.draft.id} (${item.draft.role}): ${dollars(item.fixedCents + item.usageCents)}`),
        ...(taken.length ? [`steps taken: ${taken.join("; ")}`] : ["no cheaper step keeps the SLO"]),
        ...(options.advise === false ? [] : otherWays(goal, ctx)),
      ],
    );
  }
  const constraints = judgeCloudConstraints(reading, design, profile, bill.totalCents, capCents);
  const broken = constraints.filter((c) => c.hard && c.status === "not_honoured");
  if (broken.length > 0)
    return blocked(
      `${broken.length === 1 ? "a hard constraint" : `${broken.length} hard constraints`} cannot be honoured on ${profile.label}: ${broken.map((c) => `"${c.text}" (${c.how})`).join("; ")}`,
      [
        ...broken.map((c) => `${c.kind}: "${c.text}": ${c.how}`),
        'to unblock: relax the constraint (say "prefer" to make it a preference), or change what makes it impossible (cloud, objective, budget, workload)',
      ],
    );
  const notes = [
    ...(ctx.parentVersion === null ? [] : [`v${ctx.version} revises v${ctx.parentVersion}`]),
    ...directiveNotes,
    ...(directedUsd !== undefined ? [`budget: ${dollars(goalCents)} → ${dollars(capCents)}/month by reviewer directive`] : []),
    ...raised.notes,
    ...taken,
  ];
  if (ctx.findings?.length) notes.push(`validator findings of the previous version: ${[...new Set(ctx.findings.map((f) => f.rule_id))].join(", ")}`);
  // comments with no directive Atlas reads are named, never dropped in silence
  const unread = directives.unread;
  const extraRisks: PlanSpec["risks"] = unread.length
    ? [
        {
          id: "revision-comments-not-applied",
          title: `${unread.length} reviewer comment(s) not acted on: no directive the ${profile.label} planner reads`,
          severity: "medium",
          mitigation: `Say it as a directive (no cache, use ${profile.names.kubernetes}, stay on ${profile.names.serverless}, one zone, HA database, read replica, add a WAF, customer-managed keys, budget N) or as a goal change (changes: {...}): ${unread.map((c) => `"${c}"`).join("; ")}`,
        },
      ]
    : [];
  const plan: PlanSpec = assembleCloudPlan({ profile, design, sized: sizeCloud(design), bill, capCents, ctx, notes, constraints, extraRisks });
  return { kind: "plan", plan: planSpecSchema.parse(plan) };
}

/** The same goal at the next lower objectives, when that fits: advice beside a BLOCKED for money. */
function otherWays(goal: GoalStatement, ctx: PlanContext): string[] {
  for (const availability of [99.95, 99.9, 99.5, 99]) {
    if (availability >= goal.slo.availability) continue;
    const lower = planOtherCloud({ ...goal, slo: { ...goal.slo, availability } }, { ...ctx, findings: [], revisionComments: [] }, { advise: false });
    if (lower.kind === "plan")
      return [
        `or lower the availability objective to ${availability} %: that design costs ${dollars(cents(lower.plan.cost.monthly_total_usd))}/month, within the budget`,
      ];
  }
  return ["lowering the availability objective does not help: even at 99 % the cheapest design is over the budget"];
}
