import { AtlasError } from "../errors.js";
import { type ReviewProvider, redact } from "./remote.js";

/** A pull request (GitHub) or merge request (GitLab): its page and its number in the repository. */
export interface Review {
  url: string;
  number: number;
}

/** What a review is opened with. */
export interface ReviewRequest {
  /** the pushed branch (head / source) */
  branch: string;
  /** the branch it targets */
  base: string;
  title: string;
  body: string;
}

export interface ReviewClientOptions {
  provider: ReviewProvider;
  token: string;
  /** e.g. https://api.github.com or https://gitlab.example.com/api/v4 */
  apiUrl: string;
  /** GitHub: `owner/name`; GitLab: the project's numeric id or its path (`group/project`) */
  repository: string;
  /** the HTTP client; global fetch unless a test passes another */
  fetch?: typeof fetch;
}

/** Longest one API call may take. */
const API_TIMEOUT_MS = 30_000;

interface Endpoints {
  /** lists the reviews whose head is the branch, open or not */
  list(request: ReviewRequest): string;
  create: string;
  payload(request: ReviewRequest): Record<string, string>;
  headers: Record<string, string>;
  /** the status the host answers when a review for the branch already exists */
  exists: number;
  read(item: Record<string, unknown>): { review: Review; open: boolean } | null;
}

function github(options: ReviewClientOptions): Endpoints {
  const owner = options.repository.split("/")[0] ?? "";
  const repo = `/repos/${options.repository.split("/").map(encodeURIComponent).join("/")}`;
  return {
    list: (r) => `${repo}/pulls?state=all&head=${encodeURIComponent(`${owner}:${r.branch}`)}&base=${encodeURIComponent(r.base)}`,
    create: `${repo}/pulls`,
    payload: (r) => ({ title: r.title, head: r.branch, base: r.base, body: r.body }),
    headers: { authorization: `Bearer ${options.token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" },
    exists: 422,
    read: (item) =>
      typeof item.html_url === "string" && typeof item.number === "number"
        ? { review: { url: item.html_url, number: item.number }, open: item.state === "open" }
        : null,
  };
}

function gitlab(options: ReviewClientOptions): Endpoints {
  const project = `/projects/${encodeURIComponent(options.repository)}`;
  return {
    list: (r) => `${project}/merge_requests?state=all&source_branch=${encodeURIComponent(r.branch)}&target_branch=${encodeURIComponent(r.base)}`,
    create: `${project}/merge_requests`,
    payload: (r) => ({ source_branch: r.branch, target_branch: r.base, title: r.title, description: r.body }),
    headers: { "private-token": options.token },
    exists: 409,
    read: (item) =>
      typeof item.web_url === "string" && typeof item.iid === "number"
        ? { review: { url: item.web_url, number: item.iid }, open: item.state === "opened" }
        : null,
  };
}

/**
 * Opens reviews on GitHub (`POST /repos/{owner}/{repo}/pulls`) or GitLab
 * (`POST /projects/:id/merge_requests`), at most one per branch: an existing one, open or not,
 * is found by listing the branch's reviews and reused. A failure is UPSTREAM_FAILED with the
 * host's status and message, never the token.
 */
export function makeReviewClient(options: ReviewClientOptions) {
  const endpoints = options.provider === "github" ? github(options) : gitlab(options);
  const base = options.apiUrl.replace(/\/+$/, "");
  const host = options.provider === "github" ? "GitHub" : "GitLab";
  const send = options.fetch ?? fetch;

  async function call(method: "GET" | "POST", path: string, payload?: object): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await send(`${base}${path}`, {
        method,
        headers: { ...endpoints.headers, "user-agent": "atlas-gitops", ...(payload ? { "content-type": "application/json" } : {}) },
        body: payload ? JSON.stringify(payload) : undefined,
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (error) {
      throw new AtlasError("UPSTREAM_FAILED", `GitOps review: ${method} ${path} on ${host} failed: ${redact((error as Error).message, [options.token])}`);
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the error message
    }
    return { status: response.status, body };
  }

  const failed = (method: string, path: string, answer: { status: number; body: unknown }) => {
    const said = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    return new AtlasError(
      "UPSTREAM_FAILED",
      `GitOps review: ${host} answered ${answer.status} to ${method} ${path}: ${redact(said.slice(0, 300), [options.token])}`,
    );
  };

  /** The review already opened for the branch (an open one first), or null. */
  async function find(request: ReviewRequest): Promise<Review | null> {
    const path = endpoints.list(request);
    const answer = await call("GET", path);
    if (answer.status !== 200 || !Array.isArray(answer.body)) throw failed("GET", path, answer);
    const found = (answer.body as Record<string, unknown>[]).map(endpoints.read).filter((item) => item !== null);
    return (found.find((item) => item.open) ?? found[0])?.review ?? null;
  }

  return {
    /** The branch's review: the one already there, or a new one. `reused` says which. */
    async open(request: ReviewRequest): Promise<Review & { reused: boolean }> {
      const existing = await find(request);
      if (existing) return { ...existing, reused: true };
      const answer = await call("POST", endpoints.create, endpoints.payload(request));
      const made = answer.status === 201 && answer.body && typeof answer.body === "object" ? endpoints.read(answer.body as Record<string, unknown>) : null;
      if (made) return { ...made.review, reused: false };
      // opened meanwhile (another replica, or a list that lagged): the host refuses a second one
      if (answer.status === endpoints.exists) {
        const raced = await find(request);
        if (raced) return { ...raced, reused: true };
      }
      throw failed("POST", endpoints.create, answer);
    },
  };
}

export type ReviewClient = ReturnType<typeof makeReviewClient>;
