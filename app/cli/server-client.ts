import { readFile } from "node:fs/promises";
import { loadConfig, processEnv } from "../../lib/config.js";

/**
 * The HTTP side of the CLIs that talk to a running server (`pnpm runs`, `pnpm approve`, `pnpm answer`), as
 * opposed to the ones that open the database themselves: where the server is, which key to
 * send, and how a refusal reads on a terminal. Nothing heavy is imported (the configuration's
 * parser only), so `--help` and usage errors stay instant.
 */

/**
 * The environment the client CLIs hand to `loadConfig` (ATLAS_URL, ATLAS_API_KEY, PORT,
 * ATLAS_DATA_DIR): the process's, unless a test passes its own.
 */
export function clientEnv(): NodeJS.ProcessEnv {
  return processEnv();
}

/** Where to send requests, and with which key. */
export interface ServerTarget {
  /** base URL without a trailing slash */
  url: string;
  key: string;
}

/** Why no request could be made (exit 2: nothing was asked of the server). */
export class TargetError extends Error {}

/**
 * The server: ATLAS_URL, else `http://127.0.0.1:<PORT>` (the server's own setting). The key:
 * ATLAS_API_KEY, else the admin key the server wrote to `$ATLAS_DATA_DIR/admin.key` on its
 * first start (so on the machine that runs it, the two commands need no setup).
 * @throws TargetError when the configuration does not parse or there is no key to send
 */
/** The server a CLI talks to, or exit code 2 after saying why it cannot be found (no key, a bad URL). */
export async function targetOrUsage(env: NodeJS.ProcessEnv, io: { stderr(text: string): void }): Promise<ServerTarget | number> {
  try {
    return await serverTarget(env);
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    io.stderr(`error: ${error.message}\n`);
    return 2;
  }
}

export async function serverTarget(env: NodeJS.ProcessEnv): Promise<ServerTarget> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    throw new TargetError((error as Error).message);
  }
  const url = config.ATLAS_URL ? baseUrl(config.ATLAS_URL) : `http://127.0.0.1:${config.PORT}`;
  if (config.ATLAS_API_KEY) return { url, key: config.ATLAS_API_KEY };
  // loaded only when needed: with ATLAS_API_KEY set no key file is looked for
  const { adminKeyPath } = await import("../../tenants/bootstrap.js");
  const path = adminKeyPath(config.dataDir);
  const key = await readFile(path, "utf8").then(
    (text) => text.trim(),
    () => "",
  );
  if (!key) throw new TargetError(`no API key: set ATLAS_API_KEY (pnpm keys create ...), or run where the server's ${path} is`);
  return { url, key };
}

function baseUrl(url: string): string {
  try {
    new URL(url);
  } catch {
    throw new TargetError(`ATLAS_URL is not a URL: ${JSON.stringify(url)}`);
  }
  return url.replace(/\/+$/, "");
}

/** A server's answer: its HTTP status and parsed JSON body (null when the body is not JSON). */
export interface ServerAnswer {
  status: number;
  body: unknown;
}

/**
 * Sends one JSON request with the key. A server that cannot be reached is reported as an
 * answer with status 0, so the CLIs print it like any refusal (exit 1).
 */
export async function request(target: ServerTarget, method: "GET" | "POST", path: string, payload?: unknown): Promise<ServerAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${target.key}`, accept: "application/json" };
  if (payload !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, { method, headers, ...(payload === undefined ? {} : { body: JSON.stringify(payload) }) });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { status: 0, body: { error: { message: `cannot reach Atlas at ${target.url}: ${cause ?? (error as Error).message}` } } };
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text ? { error: { message: text.slice(0, 500) } } : null;
  }
  return { status: response.status, body };
}

/** A refusal as one or more lines: `error: HTTP 403 FORBIDDEN: <message>`, then each wrong field. */
export function refusal(answer: ServerAnswer): string {
  const error = (answer.body as { error?: { code?: string; message?: string; issues?: { path: string; message: string }[] } } | null)?.error;
  const head = answer.status === 0 ? "error" : `error: HTTP ${answer.status}${error?.code ? ` ${error.code}` : ""}`;
  const lines = [`${head}: ${error?.message ?? "the server gave no reason"}`];
  for (const issue of error?.issues ?? []) lines.push(`  ${issue.path || "(body)"}: ${issue.message}`);
  return `${lines.join("\n")}\n`;
}
