// @ts-check
/**
 * The console's only way to the API: every call sends the signed-in key as
 * `Authorization: Bearer`. The key lives in sessionStorage (gone when the tab closes), never in
 * a cookie (the API would have to defend against cross-site requests) nor in a URL (logs, history).
 */

const STORAGE_KEY = "atlas.console.api-key";

export const session = {
  /** @returns {string | null} */
  key: () => sessionStorage.getItem(STORAGE_KEY),
  /** @param {string} key */
  save: (key) => sessionStorage.setItem(STORAGE_KEY, key),
  clear: () => sessionStorage.removeItem(STORAGE_KEY),
};

/** An API error: its HTTP status, code and the API's own message (shown to the person as it is). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {{ path: string, message: string }[]} [issues]
   */
  constructor(status, code, message, issues = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

/**
 * Calls the API. JSON in and out; `text: true` returns the body as it is (artifacts).
 * @param {string} path
 * @param {{ method?: string, body?: unknown, text?: boolean, signal?: AbortSignal }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: options.text ? "*/*" : "application/json" };
  const key = session.key();
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
    cache: "no-store",
  });
  const text = await response.text();
  if (!response.ok) {
    /** @type {any} */
    let parsed = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: a proxy's page
    }
    const error = parsed?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.issues ?? [],
    );
  }
  if (options.text) return text;
  return text ? JSON.parse(text) : null;
}

/**
 * Downloads a file the API serves to a signed-in key (a plain link cannot send the
 * Authorization header): fetched with the key, then saved from a Blob through an object URL.
 * The file name is the server's (`content-disposition`), else `fallback`.
 * @param {string} path
 * @param {string} fallback
 * @returns {Promise<string>} the name it was saved as
 */
export async function download(path, fallback) {
  const key = session.key();
  const response = await fetch(path, { headers: key ? { authorization: `Bearer ${key}` } : {}, cache: "no-store" });
  if (!response.ok) {
    /** @type {any} */
    const parsed = await response.json().catch(() => null);
    throw new ApiError(
      response.status,
      parsed?.error?.code ?? `HTTP_${response.status}`,
      parsed?.error?.message ?? `${response.status} ${response.statusText}`,
    );
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  const name = named?.[1] ?? fallback;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // the click has started the download; the URL is no longer needed once it has been read
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** The roles in increasing power; each implies the ones before it (as tenants/roles.ts). */
const ROLES = ["viewer", "planner", "approver", "admin"];

/**
 * Whether the signed-in key holds `role` (or a stronger one). Only decides which buttons to
 * show: the server checks every request itself.
 * @param {{ roles: string[] }} me
 * @param {string} role
 */
export const can = (me, role) => me.roles.some((held) => ROLES.indexOf(held) >= ROLES.indexOf(role));

/** @param {unknown} error */
export const messageOf = (error) => (error instanceof Error ? error.message : String(error));
