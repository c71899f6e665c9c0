import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCli } from "../app/cli/args.js";
import { buildDeps } from "../app/deps.js";
import { ingestPaths } from "../ingest/ingest.js";
import { loadConfig } from "../lib/config.js";
import { openDatabase } from "../lib/db/database.js";
import { migrate } from "../lib/db/migrate.js";
import { createLogger } from "../lib/log.js";
import { makeAdvisor } from "../rag/advice/index.js";
import { makeRunbookSearch, makeRunbookSections, type RunbookSearch, type RunbookSections } from "../rag/search.js";
import { evalPlans, type PlanEvalResult } from "./plans.js";
import { evalPrompts, type PromptEvalResult, promptEvalLines, readPromptCases } from "./prompts.js";
import {
  atlasRanker,
  type RefusalScore,
  type RelevanceSample,
  type RetrievalScore,
  readDocsQuestions,
  readOffTopicQuestions,
  readOpenshiftPairs,
  readSectionQuestions,
  refusalScore,
  refusalTable,
  type SectionCase,
  type SectionScore,
  sampleRelevance,
  scoreRanker,
  sectionScore,
  tsRankBaseline,
} from "./retrieval.js";

/**
 * `pnpm eval [retrieval] [plans] [prompts]`: retrieval quality on the sample runbooks' question set and
 * on ../shared/evals/openshift-runbooks when present; planner quality on evals/goals/; the
 * plain-language goal reader on evals/questions/prompts.jsonl (tuned on) and prompts-holdout.jsonl (held out). Runs
 * on fresh in-memory embedded databases so it never touches your data. Prints tables and
 * writes JSON to evals/results/.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PARTS = ["retrieval", "plans", "prompts"] as const;
const USAGE = `usage: pnpm eval [retrieval] [plans] [prompts]
  retrieval  hit@1, hit@5 and MRR of BM25 against a ts_rank_cd baseline on the sample runbooks
             (and on ../shared/evals/openshift-runbooks when present)
  plans      the planner on evals/goals/: validator PASS rate, budgets, BLOCKED precision/recall,
             SLO met at approval, priced usage, and the constraint suite (evals/constraints/)
  prompts    the plain-language goal reader on evals/questions/prompts.jsonl: per-field accuracy,
             false extractions, and the precision/recall of the deciding facts it asks for
  All when none is named. Results are printed and written to evals/results/.`;
const openshift = resolve(root, "..", "shared", "evals", "openshift-runbooks");

async function retrievalEval(): Promise<{ scores: RetrievalScore[]; refusal: RefusalScore[]; sections: SectionScore[] }> {
  const db = await openDatabase({});
  try {
    await migrate(db.pool);
    const paths = [join(root, "docs")];
    const pairs = readOpenshiftPairs(openshift);
    if (pairs) paths.push(openshift);
    await ingestPaths({ pool: db.pool, embedder: null }, paths);
    const search = makeRunbookSearch({ pool: db.pool, embedder: null, defaults: { top_k: 10, threshold: 0, collapse_by_file: true } });
    const rankers = { "atlas-bm25": atlasRanker(search), "baseline-ts_rank_cd": tsRankBaseline(db.pool) };
    const sets: [string, ReturnType<typeof readDocsQuestions>, string][] = [
      ["docs (sample runbooks)", readDocsQuestions(join(root, "evals", "questions", "docs.jsonl")), "docs"],
    ];
    if (pairs) {
      sets.push(["openshift: alert description", pairs.description, "openshift-runbooks"]);
      sets.push(["openshift: alert summary", pairs.summary, "openshift-runbooks"]);
    } else {
      console.log(`(${openshift} not found: openshift-runbooks sets skipped)`);
    }
    const scores: RetrievalScore[] = [];
    for (const [name, cases, collection] of sets) {
      for (const [ranker, rank] of Object.entries(rankers)) scores.push(await scoreRanker(name, ranker, cases, collection, rank));
    }
    // Refusal: in-corpus questions should be answered, off-topic ones refused, at the configured threshold.
    const offTopic = readOffTopicQuestions(join(root, "evals", "questions", "off-topic.jsonl"));
    const samples: RelevanceSample[] = [];
    for (const [name, cases, collection] of sets) {
      samples.push(
        await sampleRelevance(
          search,
          name,
          cases.map((c) => c.query),
          collection,
          false,
        ),
      );
    }
    for (const collection of pairs ? ["docs", "openshift-runbooks"] : ["docs"]) {
      samples.push(await sampleRelevance(search, `off-topic vs ${collection}`, offTopic, collection, true));
    }
    const threshold = loadConfig({}).RAG_RELEVANCY_THRESHOLD;
    console.log("");
    console.log(`answered (in-corpus) and refused (off-topic) by relevance threshold; * is RAG_RELEVANCY_THRESHOLD's default`);
    for (const line of refusalTable(samples, [0.1, 0.2, 0.25, 0.26, 0.27, 0.28, 0.29, 0.3, 0.35], threshold)) console.log(line);
    console.log("");
    const sections = await sectionEval(search, makeRunbookSections(db.pool), pairs);
    console.log("");
    return { scores, refusal: samples.map((sample) => refusalScore(sample, threshold)), sections };
  } finally {
    await db.close();
  }
}

/**
 * Whether extractive answers (no model) draw on the section that answers the question: the
 * sample runbooks' section questions, and the openshift alerts, whose answer should come from
 * the runbook's Diagnosis or Mitigation rather than its Meaning or Impact.
 */
async function sectionEval(search: RunbookSearch, runbookSections: RunbookSections, pairs: ReturnType<typeof readOpenshiftPairs>): Promise<SectionScore[]> {
  const advise = makeAdvisor({ search, runbookSections, llm: null, log: createLogger("silent") });
  const docsCases = readSectionQuestions(join(root, "evals", "questions", "sections.jsonl"));
  const results = [await sectionScore(advise, docsCases, { set: "docs (sample runbooks)", folder: join(root, "docs"), collection: "docs" })];
  if (pairs) {
    for (const [set, pairCases] of [
      ["openshift: alert description", pairs.description],
      ["openshift: alert summary", pairs.summary],
    ] as const) {
      const cases: SectionCase[] = pairCases.map((pair) => ({ ...pair, section: ["Diagnosis", "Mitigation"] }));
      results.push(await sectionScore(advise, cases, { set, folder: openshift, collection: "openshift-runbooks" }));
    }
  }
  for (const result of results) {
    const skipped = result.missing ? `, ${result.missing} without the section skipped` : "";
    console.log(`${result.set}: answer draws on the expected section: ${result.rate.toFixed(3)} (${result.drawn}/${result.queries}${skipped})`);
  }
  return results;
}

function printTable(scores: RetrievalScore[]): void {
  const header = ["set", "ranker", "queries", "hit@1", "hit@5", "MRR"];
  const rows = scores.map((s) => [s.set, s.ranker, String(s.queries), s.hit_at_1.toFixed(3), s.hit_at_5.toFixed(3), s.mrr.toFixed(3)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

/** The goal folders of each cloud: AWS's at the top (with the constraint suite), Azure's and Google Cloud's beneath. */
const PLAN_SETS = [
  { cloud: "aws", dir: join(root, "evals", "goals") },
  { cloud: "azure", dir: join(root, "evals", "goals", "azure") },
  { cloud: "gcp", dir: join(root, "evals", "goals", "gcp") },
] as const;

async function plansEval(): Promise<Record<string, PlanEvalResult>> {
  const dataDir = mkdtempSync(join(tmpdir(), "atlas-eval-"));
  const config = loadConfig({ ATLAS_DATA_DIR: dataDir, ATLAS_SEED_DOCS: "off", LOG_LEVEL: "silent" });
  const deps = await buildDeps(config, createLogger("silent"), { db: await openDatabase({}), models: [], embedder: null });
  try {
    await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder }, [join(root, "docs")]);
    const results: Record<string, PlanEvalResult> = {};
    // only AWS's folder has the constraint suite beside it; the others pass a path that does not exist
    for (const set of PLAN_SETS)
      results[set.cloud] = await evalPlans(deps, set.dir, set.cloud === "aws" ? undefined : join(set.dir, "no-constraint-suite.json"));
    return results;
  } finally {
    await deps.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function printPlanEval(result: PlanEvalResult): void {
  const t = result.run_to_interrupt_ms;
  const rows: [string, string][] = [
    ["goals (expected plan / blocked)", `${result.goals} (${result.expected_plans} / ${result.expected_blocked})`],
    ["first-pass validator PASS rate", result.first_pass_validator_pass_rate.toFixed(3)],
    ["reached approval", result.reached_approval_rate.toFixed(3)],
    ["within budget (validated cost)", result.within_budget_rate.toFixed(3)],
    ["BLOCKED precision / recall", `${result.blocked_precision.toFixed(3)} / ${result.blocked_recall.toFixed(3)}`],
    ["artifacts schema-valid", result.artifacts_schema_valid_rate.toFixed(3)],
    ["determinism", result.determinism_rate.toFixed(3)],
    ["run to interrupt p50 / p95 (ms)", `${t.p50} / ${t.p95}`],
    ["SLO met at approval (estimate >= target)", `${result.slo_met_rate.toFixed(3)} (${result.slo_met.met}/${result.slo_met.approved})`],
    ["BLOCKED for availability shows the arithmetic", result.slo_blocked_arithmetic_rate.toFixed(3)],
    ["usage priced (goals with rps, payload or msg/s)", `${result.priced_usage_rate.toFixed(3)} (${result.priced_usage.priced}/${result.priced_usage.goals})`],
    ["expectation checks (ceilings, plan and Terraform)", result.goal_checks_rate.toFixed(3)],
    ...constraintRows(result.constraints),
  ];
  const width = Math.max(...rows.map((row) => row[0].length));
  console.log(`| ${"metric".padEnd(width)} | value |`);
  console.log(`|${"-".repeat(width + 2)}|-------|`);
  for (const [name, value] of rows) console.log(`| ${name.padEnd(width)} | ${value} |`);
  for (const failure of result.failures) console.log(`  ! ${failure.file}: ${failure.problem}`);
  printConstraintSuite(result.constraints);
  console.log("");
  console.log("fixed and usage are the plan's parts; the validator prices the rendered Terraform, which carries no traffic figures,");
  console.log("so its difference is taken against the plan's fixed part.");
  console.log("| goal | plan (USD/month) | fixed | usage | validator (USD/month) | validator vs fixed |");
  console.log("|------|-----------------:|------:|------:|----------------------:|-------------------:|");
  for (const c of result.costs) {
    const usd = (value: number | null) => (value === null ? "-" : value.toFixed(2));
    const diff = c.fixed_usd && c.validated_usd !== null ? `${(((c.validated_usd - c.fixed_usd) / c.fixed_usd) * 100).toFixed(1)} %` : "-";
    console.log(`| ${c.file} | ${usd(c.plan_usd)} | ${usd(c.fixed_usd)} | ${usd(c.usage_usd)} | ${usd(c.validated_usd)} | ${diff} |`);
  }
}

/** The constraint suite's headline rates, as rows of the plan table. */
function constraintRows(suite: PlanEvalResult["constraints"]): [string, string][] {
  if (!suite) return [["constraint suite", "not run (evals/constraints/suite.json absent)"]];
  const passed = Object.values(suite.by_kind).reduce((sum, k) => sum + k.passed, 0);
  return [
    ["constraint honour rate", `${suite.honour_rate.toFixed(3)} (${passed}/${suite.cases})`],
    ["  of which negated phrasings", suite.negated_honour_rate.toFixed(3)],
    ["  false honours (honoured, checks fail)", String(suite.false_honours)],
    ["  not understood", String(suite.not_understood)],
    ["  SLO met at approval (suite plans)", suite.slo_met_rate.toFixed(3)],
  ];
}

/** Per-kind results, outcome counts and each failing case of the constraint suite. */
function printConstraintSuite(suite: PlanEvalResult["constraints"]): void {
  if (!suite) return;
  console.log("");
  console.log("| constraint kind | cases | passed |");
  console.log("|-----------------|------:|-------:|");
  for (const [kind, k] of Object.entries(suite.by_kind)) console.log(`| ${kind} | ${k.cases} | ${k.passed} |`);
  console.log(
    `outcomes: ${Object.entries(suite.outcomes)
      .map(([outcome, n]) => `${outcome} ${n}`)
      .join(", ")}`,
  );
  if (suite.non_discriminating.length)
    console.log(`checks already hold without the constraint (reading tested, not design): ${suite.non_discriminating.join(", ")}`);
  for (const f of suite.failures) console.log(`  ! ${f.id}: ${f.outcome}: ${f.detail}`);
}

/**
 * The deterministic prompt reader on its question sets: prompts.jsonl (the reader was tuned on
 * it) and prompts-holdout.jsonl (written by someone else after the reader was done, never tuned
 * on: the fairer measure). No database or model needed.
 */
function promptsEval(): { tuned: PromptEvalResult; holdout: PromptEvalResult } {
  const read = (file: string) => evalPrompts(readPromptCases(join(root, "evals", "questions", file)));
  return { tuned: read("prompts.jsonl"), holdout: read("prompts-holdout.jsonl") };
}

/** Runs the named evaluations (all when none is named) and writes their results. */
async function main(wanted: readonly string[]): Promise<void> {
  const results: Record<string, unknown> = { generated_at: new Date().toISOString() };
  if (wanted.includes("retrieval")) {
    const { scores, refusal, sections } = await retrievalEval();
    printTable(scores);
    results.retrieval = scores;
    results.refusal = refusal;
    results.sections = sections;
  }
  if (wanted.includes("plans")) {
    console.log("");
    const byCloud = await plansEval();
    for (const [cloud, result] of Object.entries(byCloud)) {
      console.log(`\n### ${cloud}`);
      printPlanEval(result);
    }
    results.plans = byCloud;
  }
  if (wanted.includes("prompts")) {
    console.log("");
    const result = promptsEval();
    console.log("tuned on (evals/questions/prompts.jsonl):");
    for (const line of promptEvalLines(result.tuned)) console.log(line);
    console.log("\nheld out, never tuned on (evals/questions/prompts-holdout.jsonl):");
    for (const line of promptEvalLines(result.holdout)) console.log(line);
    results.prompts = result;
  }
  mkdirSync(join(root, "evals", "results"), { recursive: true });
  const out = join(root, "evals", "results", `eval-${Date.now()}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

/** Which evaluations to run, or the exit code after `--help` or a usage error. */
function wantedParts(argv: string[]): readonly string[] | number {
  const args = parseCli(argv, { usage: USAGE, options: {}, maxPositionals: PARTS.length });
  if (typeof args === "number") return args;
  const unknown = args.positionals.find((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown !== undefined) {
    console.error(`error: unknown evaluation "${unknown}"\n${USAGE}`);
    return 2;
  }
  return args.positionals.length ? args.positionals : PARTS;
}

const wanted = wantedParts(process.argv.slice(2));
if (typeof wanted === "number") process.exitCode = wanted;
else await main(wanted);
