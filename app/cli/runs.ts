import { type CliIo, isMain, parseCli, processIo, runMain } from "./args.js";
import { clientEnv, refusal, request, targetOrUsage } from "./server-client.js";

const usage = (command: string) => `usage: ${command} [--status STATUS] [--limit N] [--json]
  Lists the tenant's runs from a running server (GET /architect/plans): plans waiting for
  approval first, then the most recently changed.
  --status STATUS  only runs with this status (e.g. WAIT_FOR_APPROVE, DONE, REJECTED, FAILED)
  --limit N        at most N runs (1-500, default 50)
  --json           print the server's answer as JSON
Server: ATLAS_URL, else http://127.0.0.1:$PORT. Key: ATLAS_API_KEY, else $ATLAS_DATA_DIR/admin.key.
Exit codes: 0 listed, 1 the server refused (or could not be reached), 2 usage error.`;

const options = {
  status: { type: "string" },
  limit: { type: "string" },
  json: { type: "boolean" },
} as const;

/** A run as GET /architect/plans lists it (the fields the table shows). */
interface ListedRun {
  thread_id: string;
  status: string;
  plan_version: number;
  busy: boolean;
  created_by_name: string | null;
  created_by: string | null;
  goal_name: string;
  updated_at: string;
}

/** `pnpm runs` / `atlas runs`: lists runs; returns the exit code. */
export async function main(argv: string[], command = "pnpm runs", io: CliIo = processIo, env: NodeJS.ProcessEnv = clientEnv()): Promise<number> {
  const text = usage(command);
  const args = parseCli(argv, { usage: text, options }, io);
  if (typeof args === "number") return args;
  const { values } = args;
  const limit = values.limit;
  if (limit !== undefined && !/^[1-9]\d*$/.test(limit)) {
    io.stderr(`error: --limit must be a positive whole number, got "${limit}"\n${text}\n`);
    return 2;
  }
  const target = await targetOrUsage(env, io);
  if (typeof target === "number") return target;
  // the server checks the status against its own list (a wrong one is its 400 naming query.status)
  const query = new URLSearchParams();
  if (values.status !== undefined) query.set("status", values.status);
  if (limit !== undefined) query.set("limit", limit);
  const answer = await request(target, "GET", `/architect/plans${query.size ? `?${query}` : ""}`);
  if (answer.status !== 200) {
    io.stderr(refusal(answer));
    return 1;
  }
  const runs = (answer.body as { runs: ListedRun[] }).runs;
  io.stdout(values.json ? `${JSON.stringify(answer.body, null, 2)}\n` : table(runs));
  return 0;
}

/** The runs as a table with a header, one line each; `no runs` when there are none. */
export function table(runs: ListedRun[]): string {
  if (!runs.length) return "no runs\n";
  const rows = runs.map((run) => [
    run.thread_id,
    run.busy ? `${run.status}*` : run.status,
    `v${run.plan_version}`,
    run.created_by_name ?? run.created_by ?? "-",
    run.updated_at.slice(0, 19).replace("T", " "),
    run.goal_name,
  ]);
  const header = ["THREAD", "STATUS", "PLAN", "STARTED BY", "UPDATED (UTC)", "GOAL"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] as number)))
      .join("  ")
      .trimEnd();
  const note = runs.some((run) => run.busy) ? "* being run or queued now\n" : "";
  return `${[line(header), ...rows.map(line)].join("\n")}\n${note}`;
}

if (isMain(import.meta.url)) runMain(main);
