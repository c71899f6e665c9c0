import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestApp } from "../helpers/app.js";
import { waitFor } from "../helpers/redis.js";
import { repoRoot } from "../helpers/tmp.js";

/** Statuses a thread rests in (NEW: made without a run; WAIT_FOR_ANSWER: a described goal's questions); the others mean it is still going. */
export const SETTLED = new Set(["NEW", "WAIT_FOR_ANSWER", "WAIT_FOR_APPROVE", "DONE", "BLOCKED", "REJECTED", "ROLLED_BACK", "FAILED"]);

/** Goals users wrote: the fixtures and the evaluation set (buildable and impossible ones). */
export function exampleGoals(): unknown[] {
  const folders = [join(repoRoot, "test/fixtures/goals"), join(repoRoot, "evals/goals")];
  return folders.flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith(".json") && name !== "expectations.json")
      .map((name) => JSON.parse(readFileSync(join(folder, name), "utf8")) as unknown),
  );
}

/** A thread's status and plan version as its tenant sees them (null: not found; `HTTP <status>` when it cannot be read). */
export async function threadState(t: TestApp, id: string, headers: Record<string, string>): Promise<{ status: string; version: number | null } | null> {
  const res = await t.app.inject({ method: "GET", url: `/architect/plan/${id}`, headers });
  if (res.statusCode === 404) return null;
  if (res.statusCode !== 200) return { status: `HTTP ${res.statusCode}`, version: null };
  const run = res.json() as { status: string; plan: { version: number } | null };
  return { status: run.status, version: run.plan?.version ?? null };
}

/** A thread's state once it is at rest (a background run finished; null: not found), polling it. */
export async function restingState(t: TestApp, id: string, headers: Record<string, string>): Promise<{ status: string; version: number | null } | null> {
  const { state } = await waitFor(
    async () => {
      const now = await threadState(t, id, headers);
      return now === null || SETTLED.has(now.status) || now.status.startsWith("HTTP") ? { state: now } : null;
    },
    120_000,
    `thread ${id} to come to rest`,
  );
  return state;
}

/** Starts a plan of `goal` (on `threadId` when given) and returns its thread id once it waits for approval. */
export async function waitingThread(t: TestApp, goal: unknown, headers: Record<string, string>, threadId?: string): Promise<string> {
  const res = await t.app.inject({
    method: "POST",
    url: "/architect/plan",
    payload: { goal, ...(threadId ? { thread_id: threadId } : {}) } as object,
    headers,
  });
  const run = res.json() as { thread_id: string; status: string };
  if (res.statusCode !== 200 || run.status !== "WAIT_FOR_APPROVE")
    throw new Error(`could not make a waiting plan: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return run.thread_id;
}

/** A plan approved and applied (DONE), for rollbacks to act on. */
export async function doneThread(t: TestApp, goal: unknown, headers: Record<string, string>): Promise<string> {
  const id = await waitingThread(t, goal, headers);
  const res = await t.app.inject({ method: "POST", url: `/architect/plan/${id}/resume`, payload: { decision: "approve", approver: "fuzz-setup" }, headers });
  if (res.statusCode !== 200 || res.json().status !== "DONE") throw new Error(`could not make a DONE plan: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return id;
}

/** The paths of a thread's artifacts. */
export async function artifactPaths(t: TestApp, id: string, headers: Record<string, string>): Promise<string[]> {
  const res = await t.app.inject({ method: "GET", url: `/architect/plan/${id}/artifacts`, headers });
  return (res.json() as { files: { path: string }[] }).files.map((file) => file.path);
}
