import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, type Deps } from "../app/deps.js";
import { createLogger } from "../lib/log.js";
import { goalStatementSchema } from "../schemas/goal.js";
import { testConfig } from "../test/helpers/config.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";
import { buildPlanningGraph } from "./build.js";
import type { PlanStateValue } from "./state.js";

// The graph run the way `langgraphjs dev` runs it: its own in-memory checkpointer, and resumes
// that nobody checked first. Atlas's API refuses a wrong answer before the graph sees it (the
// Platform and resume route tests); here the graph itself must not fail the thread for good.

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));
const UNSTATED = "A small internal reporting service for the finance team in eu-west-1, around 20 requests per second";

let dataDir: string;
let deps: Deps;

beforeAll(async () => {
  dataDir = makeTmpDir("atlas-wrong-answers-");
  deps = await buildDeps(testConfig({ ATLAS_DATA_DIR: dataDir }), createLogger("silent"), { embedder: null });
});
afterAll(async () => {
  await deps?.close();
  removeTmpDir(dataDir);
});

type Waiting = { kind: string; error?: string };

/** A thread of the graph on its own saver: run an input, and see where it waits. */
function thread(id: string) {
  const graph = buildPlanningGraph(deps, new MemorySaver());
  const config = { configurable: { thread_id: id } };
  return {
    run: (input: unknown) => graph.invoke(input as never, config),
    async waiting() {
      const snapshot = await graph.getState(config);
      const pending = snapshot.tasks.flatMap((task) => task.interrupts ?? []);
      return {
        next: snapshot.next,
        values: snapshot.values as PlanStateValue,
        interrupt: pending.at(-1)?.value as Waiting | undefined,
        pending: pending.length,
      };
    },
  };
}

describe("a wrong answer at an interrupt asks again, saying what was wrong", () => {
  it("the approval: a decision it cannot read, and revise changes that make an invalid goal; then a real answer decides", async () => {
    const t = thread("approval-wrong");
    await t.run({ goal });
    const first = await t.waiting();
    expect(first.interrupt?.kind).toBe("approval");
    expect(first.interrupt?.error).toBeUndefined();

    await t.run(new Command({ resume: { decision: "maybe" } }));
    const again = await t.waiting();
    // (LangGraph's snapshot lists no `next` node while a resumed task waits again; its interrupt is there)
    expect(again.values.status).toBe("WAIT_FOR_APPROVE");
    expect(again.pending).toBe(1);
    expect(again.interrupt).toMatchObject({ kind: "approval", error: expect.stringContaining("resume.decision") });
    expect(again.values.decision).toBeNull();

    await t.run(new Command({ resume: { decision: "revise", changes: { region: "mars-1" } } }));
    const revised = await t.waiting();
    expect(revised.interrupt).toMatchObject({ kind: "approval", error: expect.stringContaining("resume.changes.region") });
    expect(revised.values.goal.region).toBe(goal.region);

    await t.run(new Command({ resume: [{ type: "ignore", args: null }] }));
    const decided = await t.waiting();
    expect(decided.values.status).toBe("REJECTED");
    expect(decided.values.decision?.decision).toBe("reject");
    expect(decided.next).toEqual([]);
  });

  it("the clarify questions: an answer that is not one asks them again; the defaults then go on to the approval", async () => {
    const t = thread("clarify-wrong");
    await t.run({ messages: [{ role: "user", content: UNSTATED }] });
    expect((await t.waiting()).interrupt?.kind).toBe("clarify");

    await t.run(new Command({ resume: { answers: { "budget.monthly_usd": -5 } } }));
    const again = await t.waiting();
    expect(again.values.status).toBe("WAIT_FOR_ANSWER");
    expect(again.pending).toBe(1);
    expect(again.interrupt).toMatchObject({ kind: "clarify", error: expect.stringContaining("resume.answers.budget.monthly_usd") });

    await t.run(new Command({ resume: [{ type: "accept", args: null }] }));
    const planned = await t.waiting();
    expect(planned.interrupt?.kind).toBe("approval");
    expect(planned.values.goal.region).toBe("eu-west-1");
    expect(planned.values.reading?.assumed?.length).toBeGreaterThan(0);
  });
});
