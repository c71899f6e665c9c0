import { readFileSync } from "node:fs";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { setSelfApproval } from "../tenants/keys.js";
import { bearer, buildTestApp, type TestApp, type TestKey } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";
import { registerErrorHandler } from "./error-handler.js";
import { registerAuth } from "./plugins/auth.js";

// Authentication, roles, tenants, self-approval, audit, rate limits, headers and CORS on the
// real app (app.inject, and real HTTP where the socket matters) over embedded Postgres.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

let db: Database;
let t: TestApp;

beforeAll(async () => {
  db = await embeddedTestDatabase();
  t = await buildTestApp(db, { env: { CORS_ORIGINS: "https://ops.example.com" } });
});
afterAll(async () => {
  await t?.close();
  await db?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: "GET", url, headers });
const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "POST", url, payload: payload as object, headers });
const approve = (threadId: string, key: TestKey, approver = "someone") =>
  post(`/architect/plan/${threadId}/resume`, { decision: "approve", approver }, key.headers);

describe("authentication", () => {
  it("health checks stay public", async () => {
    expect((await get("/healthz")).statusCode).toBe(200);
    expect((await get("/readyz")).statusCode).toBe(200);
  });

  it.each([
    ["no header", {}, /Missing API key/],
    ["not Bearer", { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }, /Missing API key/],
    ["malformed key", bearer("hunter2"), /Invalid API key/],
    ["well-formed unknown key", bearer(`atlas_${"A".repeat(43)}`), /Invalid API key/],
  ])("401 UNAUTHENTICATED with %s", async (_name, headers, message) => {
    const response = await post("/rag/search", { query: "disk full" }, headers);
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(message) });
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer realm="atlas"/);
  });

  it("401 for a revoked key, at once, and the revocation is an admin route", async () => {
    const viewer = await t.createKey({ roles: ["viewer"], name: "to-revoke" });
    expect((await get("/schemas", viewer.headers)).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: "DELETE", url: `/admin/keys/${viewer.id}`, headers: t.auth });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: viewer.id, revoked_at: expect.any(String) });
    const response = await get("/schemas", viewer.headers);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/revoked/);
  });

  it("an unknown route needs a key before it answers 404", async () => {
    expect((await get("/no/such/route")).statusCode).toBe(401);
    expect((await get("/no/such/route", t.auth)).statusCode).toBe(404);
  });
});

describe("roles", () => {
  let viewer: TestKey;
  let planner: TestKey;

  beforeAll(async () => {
    viewer = await t.createKey({ roles: ["viewer"] });
    planner = await t.createKey({ roles: ["planner"] });
  });

  it("a viewer reads and searches but cannot plan or resume", async () => {
    expect((await post("/rag/search", { query: "disk full" }, viewer.headers)).statusCode).toBe(200);
    expect((await post("/architect/advice", { question: "disk full" }, viewer.headers)).statusCode).toBe(200);
    const started = await post("/architect/plan", { goal }, viewer.headers);
    expect(started.statusCode).toBe(403);
    expect(started.json().error).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/needs the planner role/) });

    const run = (await post("/architect/plan", { goal }, planner.headers)).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect((await get(`/architect/plan/${run.thread_id}`, viewer.headers)).statusCode).toBe(200);
    expect((await get(`/architect/plan/${run.thread_id}/events`, viewer.headers)).statusCode).toBe(200);
    const resumed = await approve(run.thread_id, viewer);
    expect(resumed.statusCode).toBe(403);
    expect(resumed.json().error.message).toMatch(/needs the approver role/);
    // a planner cannot answer the approval either
    expect((await approve(run.thread_id, planner)).statusCode).toBe(403);
    expect((await get(`/architect/plan/${run.thread_id}`, viewer.headers)).json().status).toBe("WAIT_FOR_APPROVE");
  });

  it("a planner cannot manage keys or read the audit log; an admin can", async () => {
    for (const request of [
      { method: "POST" as const, url: "/admin/keys", payload: { name: "x", roles: ["admin"] } },
      { method: "GET" as const, url: "/admin/keys" },
      { method: "DELETE" as const, url: `/admin/keys/${viewer.id}` },
      { method: "GET" as const, url: "/audit" },
    ]) {
      const response = await t.app.inject({ ...request, headers: planner.headers });
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(403);
      expect(response.json().error.code).toBe("FORBIDDEN");
    }
    const created = await t.app.inject({ method: "POST", url: "/admin/keys", payload: { name: "ci-bot", roles: ["planner"] }, headers: t.auth });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ name: "ci-bot", tenant: "default", roles: ["planner"], key: expect.stringMatching(/^atlas_/) });
    expect((await post("/architect/plan", { goal: { ...goal, name: "from-ci-bot" } }, bearer(body.key))).statusCode).toBe(200);
    const listed = (await get("/admin/keys", t.auth)).json().keys as Record<string, unknown>[];
    expect(listed.find((k) => k.id === body.id)).toMatchObject({ name: "ci-bot", prefix: body.prefix });
    expect(JSON.stringify(listed)).not.toContain(body.key);
    const bad = await t.app.inject({ method: "POST", url: "/admin/keys", payload: { name: "x", roles: ["root"] }, headers: t.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe("roles[0]");
  });

  it("a route whose config names no role needs admin; a role or public config opens it", async () => {
    const app = Fastify();
    registerErrorHandler(app);
    registerAuth(app, t.deps);
    app.get("/undecided", async () => ({ ok: true }));
    app.get("/readable", { config: { role: "viewer" } }, async () => ({ ok: true }));
    app.get("/open", { config: { public: true } }, async () => ({ ok: true }));
    await app.ready();
    try {
      const approver = await t.createKey({ roles: ["approver"] });
      for (const key of [viewer, planner, approver]) {
        const refused = await app.inject({ method: "GET", url: "/undecided", headers: key.headers });
        expect(refused.statusCode).toBe(403);
        expect(refused.json().error).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/needs the admin role/) });
      }
      expect((await app.inject({ method: "GET", url: "/undecided", headers: t.auth })).statusCode).toBe(200);
      expect((await app.inject({ method: "GET", url: "/undecided" })).statusCode).toBe(401);
      expect((await app.inject({ method: "GET", url: "/readable", headers: viewer.headers })).statusCode).toBe(200);
      expect((await app.inject({ method: "GET", url: "/open" })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("the raw keys are nowhere in the database", async () => {
    const { rows } = await db.pool.query<{ row: string }>("select row_to_json(k)::text as row from atlas_api_keys k");
    const text = rows.map((r) => r.row).join("\n");
    for (const key of [t.admin.key, viewer.key, planner.key]) expect(text).not.toContain(key);
  });
});

describe("tenants", () => {
  let other: TestKey;
  let threadId: string;

  beforeAll(async () => {
    other = await t.createKey({ tenant: "globex", roles: ["admin"], name: "globex-admin" });
    const run = (await post("/architect/plan", { goal }, t.auth)).json();
    threadId = run.thread_id;
  });

  it("another tenant's thread answers 404 to every read and action, never its data", async () => {
    const artifacts = (await get(`/architect/plan/${threadId}/artifacts`, t.auth)).json().files as { path: string }[];
    const path = artifacts[0]?.path as string;
    for (const url of ["", "/history", "/events", "/artifacts", `/artifacts/${path}`]) {
      const response = await get(`/architect/plan/${threadId}${url}`, other.headers);
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain(goal.name);
      expect((await get(`/architect/plan/${threadId}${url}`, t.auth)).statusCode, url).toBe(200);
    }
    expect((await approve(threadId, other)).statusCode).toBe(404);
    expect((await post(`/architect/plan/${threadId}/rollback`, { by: "x", reason: "y" }, other.headers)).statusCode).toBe(404);
    // Starting a plan on that id starts the other tenant's own thread of that id: it learns
    // nothing (a 404 here used to say the id existed; issue 8, defect 12) and touches nothing.
    const own = await post("/architect/plan", { goal, thread_id: threadId }, other.headers);
    expect(own.statusCode).toBe(200);
    expect(own.json().thread_id).toBe(threadId);
    const first = (await get(`/architect/plan/${threadId}`, t.auth)).json();
    expect(first.status).toBe("WAIT_FOR_APPROVE");
    expect(first.trace_id).not.toBe(own.json().trace_id);
  });

  it("a tenant's admin sees only its own keys and audit entries", async () => {
    const keys = (await get("/admin/keys", other.headers)).json().keys as { tenant: string }[];
    expect(keys.map((k) => k.tenant)).toEqual(["globex"]);
    const revokeOther = await t.app.inject({ method: "DELETE", url: `/admin/keys/${t.admin.id}`, headers: other.headers });
    expect(revokeOther.statusCode).toBe(404);
    const entries = (await get("/audit", other.headers)).json().entries as { tenant: string }[];
    expect(entries.every((e) => e.tenant === "globex")).toBe(true);
  });
});

describe("self-approval and the audit log", () => {
  let author: TestKey;
  let reviewer: TestKey;

  beforeAll(async () => {
    // a new tenant refuses self-approval by default
    author = await t.createKey({ tenant: "initech", roles: ["planner", "approver"], name: "author" });
    reviewer = await t.createKey({ tenant: "initech", roles: ["approver"], name: "reviewer" });
  });

  it("refuses approving your own plan, lets another approver approve, records decision, apply and rollback", async () => {
    const run = (await post("/architect/plan", { goal }, author.headers)).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    const own = await approve(run.thread_id, author, "author");
    expect(own.statusCode).toBe(403);
    expect(own.json().error).toMatchObject({ code: "FORBIDDEN", reason: "self_approval", message: expect.stringMatching(/your own plan/) });
    expect((await get(`/architect/plan/${run.thread_id}`, author.headers)).json().status).toBe("WAIT_FOR_APPROVE");

    const approved = await approve(run.thread_id, reviewer, "rita");
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toBe("DONE");
    const commit = approved.json().applied.commit as string;
    const rolledBack = await post(`/architect/plan/${run.thread_id}/rollback`, { by: "rita", reason: "error rate" }, reviewer.headers);
    expect(rolledBack.json().status).toBe("ROLLED_BACK");

    const admin = await t.createKey({ tenant: "initech", roles: ["admin"], name: "initech-admin" });
    const audit = await get(`/audit?target=${run.thread_id}`, admin.headers);
    expect(audit.statusCode).toBe(200);
    const entries = audit.json().entries as Record<string, unknown>[];
    expect(entries.map((e) => e.action)).toEqual(["rollback", "apply", "approval.approve", "approval.refused"]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ tenant: "initech", target: run.thread_id, remote_addr: "127.0.0.1", created_at: expect.any(String) });
    }
    expect(entries[3]).toMatchObject({ actor_key_id: author.id, actor_name: "author", detail: { reason: "self_approval" } });
    // who approved is the key, whatever the body's `approver` said ("rita" is kept as the decision's note)
    expect(entries[2]).toMatchObject({
      actor_key_id: reviewer.id,
      actor_name: "reviewer",
      detail: { approver: "reviewer", status: "DONE", plan_id: run.plan_id },
    });
    expect(approved.json().decision).toMatchObject({ approver: "reviewer", approver_key_id: reviewer.id, approver_note: "rita" });
    expect(entries[1]).toMatchObject({ actor_key_id: reviewer.id, detail: { commit, already_applied: false } });
    expect(entries[0]).toMatchObject({ actor_key_id: reviewer.id, detail: { by: "rita", reason: "error rate", reverted: commit, status: "ROLLED_BACK" } });
    // key creation is audited too
    const keyEntries = (await get("/audit?action=key.create", admin.headers)).json().entries as { target: string }[];
    expect(keyEntries.map((e) => e.target)).toEqual(expect.arrayContaining([author.id, reviewer.id, admin.id]));
  });

  it("allows approving your own plan once the tenant allows it", async () => {
    await setSelfApproval(db.pool, "initech", true);
    const run = (await post("/architect/plan", { goal }, author.headers)).json();
    const own = await approve(run.thread_id, author, "author");
    expect(own.statusCode).toBe(200);
    expect(own.json().status).toBe("DONE");
    await setSelfApproval(db.pool, "initech", false);
  });

  it("rejecting your own plan is not refused", async () => {
    const run = (await post("/architect/plan", { goal }, author.headers)).json();
    const rejected = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "reject", approver: "author", comment: "wrong region" }, author.headers);
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json().status).toBe("REJECTED");
  });
});

describe("security headers and CORS", () => {
  const securityHeaders = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  };

  it("are on answers, errors and 404s; HSTS only when configured", async () => {
    for (const response of [await get("/healthz"), await get("/schemas"), await get("/schemas", t.auth), await get("/nope", t.auth)]) {
      expect(response.headers).toMatchObject(securityHeaders);
      expect(response.headers["strict-transport-security"]).toBeUndefined();
    }
    const hsts = await buildTestApp(db, { env: { HSTS_MAX_AGE: "31536000" } });
    try {
      const response = await hsts.app.inject({ method: "GET", url: "/healthz" });
      expect(response.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    } finally {
      await hsts.close();
    }
  });

  it("over real HTTP: preflight for an allowed origin, nothing for another, headers on a streamed plan", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const preflight = (origin: string) =>
      fetch(`${address}/architect/plan`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      });
    const allowed = await preflight("https://ops.example.com");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://ops.example.com");
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    // every method a route uses, PUT /admin/budget included
    for (const method of ["GET", "PUT", "DELETE"]) expect(allowed.headers.get("access-control-allow-methods")).toContain(method);
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(allowed.headers.get("vary")).toMatch(/origin/i);

    const refused = await preflight("https://evil.example.net");
    expect(refused.status).toBe(204);
    for (const name of ["access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers"]) {
      expect(refused.headers.get(name)).toBeNull();
    }

    // an actual request: the allowed origin can read even the 401
    const unauthenticated = await fetch(`${address}/schemas`, { headers: { origin: "https://ops.example.com" } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("access-control-allow-origin")).toBe("https://ops.example.com");
    const other = await fetch(`${address}/schemas`, { headers: { origin: "https://evil.example.net", ...t.auth } });
    expect(other.status).toBe(200);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();

    const stream = await fetch(`${address}/architect/plan`, {
      method: "POST",
      headers: { ...t.auth, accept: "text/event-stream", "content-type": "application/json" },
      body: JSON.stringify({ goal }),
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect(stream.headers.get("x-frame-options")).toBe("DENY");
    expect(await stream.text()).toContain("event: result");

    // a stream takes the response over: the allowed origin's CORS headers still go with it
    const crossOrigin = await fetch(`${address}/architect/plan`, {
      method: "POST",
      headers: { ...t.auth, origin: "https://ops.example.com", accept: "text/event-stream", "content-type": "application/json" },
      body: JSON.stringify({ goal }),
    });
    expect(crossOrigin.headers.get("access-control-allow-origin")).toBe("https://ops.example.com");
    expect(crossOrigin.headers.get("access-control-expose-headers")).toContain("retry-after");
    expect(await crossOrigin.text()).toContain("event: result");
  });

  it("CORS_ORIGINS=* lets any origin read answers, without credentials", async () => {
    const open = await buildTestApp(db, { env: { CORS_ORIGINS: "*" } });
    try {
      const preflight = await open.app.inject({
        method: "OPTIONS",
        url: "/architect/plan",
        headers: { origin: "https://anywhere.example.org", "access-control-request-method": "POST" },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers["access-control-allow-origin"]).toBe("*");
      expect(preflight.headers["access-control-max-age"]).toBe("600");
      expect(preflight.headers["access-control-allow-credentials"]).toBeUndefined();
      const answer = await open.app.inject({ method: "GET", url: "/schemas", headers: { ...open.auth, origin: "https://anywhere.example.org" } });
      expect(answer.headers["access-control-allow-origin"]).toBe("*");
      expect((await open.app.inject({ method: "GET", url: "/schemas", headers: open.auth })).headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it("without CORS_ORIGINS there is no CORS header at all, and a preflight needs no key", async () => {
    const closed = await buildTestApp(db);
    try {
      const preflight = await closed.app.inject({
        method: "OPTIONS",
        url: "/architect/plan",
        headers: { origin: "https://ops.example.com", "access-control-request-method": "POST" },
      });
      expect(preflight.statusCode).toBe(204);
      const answer = await closed.app.inject({ method: "GET", url: "/schemas", headers: { ...closed.auth, origin: "https://ops.example.com" } });
      for (const response of [preflight, answer]) {
        expect(Object.keys(response.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
        expect(response.headers.vary).toBeUndefined();
      }
    } finally {
      await closed.close();
    }
  });
});

describe("rate limit", () => {
  let limited: TestApp;

  beforeAll(async () => {
    limited = await buildTestApp(db, { env: { RATE_LIMIT_PER_MINUTE: "3" } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("answers 429 with retry-after after RATE_LIMIT_PER_MINUTE requests of one key; other keys and health checks go on", async () => {
    const hit = (headers: Record<string, string>) => limited.app.inject({ method: "GET", url: "/schemas", headers });
    const first = await hit(limited.auth);
    expect(first.statusCode).toBe(200);
    expect(first.headers["x-ratelimit-limit"]).toBe("3");
    expect(first.headers["x-ratelimit-remaining"]).toBe("2");
    expect((await hit(limited.auth)).statusCode).toBe(200);
    expect((await hit(limited.auth)).statusCode).toBe(200);
    const refused = await hit(limited.auth);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/3 requests per minute/) });
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers["x-content-type-options"]).toBe("nosniff");

    const another = await limited.createKey({ roles: ["viewer"] });
    expect((await hit(another.headers)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await limited.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });
});

describe("failed authentications per address", () => {
  it("after RATE_LIMIT_PER_MINUTE missing or invalid keys from one address, its missing, unknown and revoked keys get the same 429; valid keys pass", async () => {
    const limited = await buildTestApp(db, { env: { RATE_LIMIT_PER_MINUTE: "3" }, logLevel: "warn" });
    try {
      const from = (remoteAddress: string, headers: Record<string, string>) => limited.app.inject({ method: "GET", url: "/schemas", headers, remoteAddress });
      const valid = await limited.createKey({ roles: ["viewer"], name: "behind-the-same-nat" });
      const revoked = await limited.createKey({ roles: ["viewer"], name: "revoked-while-refused" });
      expect((await limited.app.inject({ method: "DELETE", url: `/admin/keys/${revoked.id}`, headers: limited.auth })).statusCode).toBe(200);

      const guesses = [bearer("atlas_guess1"), bearer("atlas_guess2"), {}, bearer("atlas_guess4")];
      for (const headers of guesses) expect((await from("203.0.113.7", headers)).statusCode).toBe(401);
      // refused: no key, a malformed key, a well-formed unknown key and a revoked one answer alike
      const refusals: string[] = [];
      for (const headers of [{}, bearer("atlas_guess5"), bearer(`atlas_${"B".repeat(43)}`), revoked.headers]) {
        const refused = await from("203.0.113.7", headers);
        expect(refused.statusCode).toBe(429);
        expect(refused.json().error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("invalid API key from 203.0.113.7") });
        expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
        expect(refused.headers["www-authenticate"]).toBeUndefined();
        refusals.push(refused.json().error.message.replace(/\d+ s$/, "N s"));
      }
      expect(new Set(refusals).size).toBe(1);
      // a valid key from the refused address is looked up and passes (its own per-key limit applies)
      const passed = await from("203.0.113.7", valid.headers);
      expect(passed.statusCode).toBe(200);
      expect(passed.headers["x-ratelimit-limit"]).toBe("3");
      expect((await from("203.0.113.8", limited.auth)).statusCode).toBe(200);
      expect((await limited.app.inject({ method: "GET", url: "/healthz", remoteAddress: "203.0.113.7" })).statusCode).toBe(200);
      expect(
        limited.logs.some(
          (line) => line.msg === "too many failed authentications from one address; refusing its missing and invalid keys for the rest of the minute",
        ),
      ).toBe(true);
    } finally {
      await limited.close();
    }
  });
});

describe("ATLAS_AUTH=off", () => {
  it("acts as admin of tenant default without a key, and says so loudly at start", async () => {
    const open = await buildTestApp(db, { env: { ATLAS_AUTH: "off" }, logLevel: "warn" });
    try {
      expect(open.logs.some((line) => line.level === 40 && String(line.msg).includes("AUTHENTICATION IS DISABLED"))).toBe(true);
      expect((await open.app.inject({ method: "GET", url: "/admin/keys" })).statusCode).toBe(200);
      const run = (await open.app.inject({ method: "POST", url: "/architect/plan", payload: { goal } })).json();
      expect(run.status).toBe("WAIT_FOR_APPROVE");
      // the run is in tenant default: visible with the default tenant's key
      expect((await get(`/architect/plan/${run.thread_id}`, t.auth)).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });
});
