import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config.js";
import { approverFor, parseSlackCommand } from "./commands.js";
import { planLink, slackMessage } from "./notifier.js";
import { slackSignature, verifySlackSignature } from "./signature.js";

const secret = "8f742231b10e8888abcd99yyyzzz85a5";
const now = new Date("2025-06-01T12:00:00Z");
const ts = String(Math.floor(now.getTime() / 1000));

describe("Slack request signature", () => {
  it("matches Slack's documented example", () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack (the published walk-through)
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(slackSignature(secret, "1531420618", body)).toBe("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
  });

  it("accepts a fresh, correct signature and refuses forged, stale and missing ones", () => {
    const rawBody = "command=%2Fapprove&text=abc&user_id=U1";
    const signature = slackSignature(secret, ts, rawBody);
    expect(verifySlackSignature({ secret, timestamp: ts, signature, rawBody, now })).toEqual({ ok: true });
    const refused = (input: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
      verifySlackSignature({ secret, timestamp: ts, signature, rawBody, now, ...input });
    expect(refused({ rawBody: `${rawBody}x` })).toMatchObject({ ok: false, reason: "signature does not match" });
    expect(refused({ secret: "other" })).toMatchObject({ ok: false });
    expect(refused({ signature: "v0=short" })).toMatchObject({ ok: false, reason: "signature does not match" });
    expect(refused({ signature: undefined })).toMatchObject({ ok: false });
    expect(refused({ timestamp: "abc" })).toMatchObject({ ok: false });
    const stale = String(Number(ts) - 301);
    expect(refused({ timestamp: stale, signature: slackSignature(secret, stale, rawBody) })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("five minutes"),
    });
    const edge = String(Number(ts) - 299);
    expect(refused({ timestamp: edge, signature: slackSignature(secret, edge, rawBody) })).toEqual({ ok: true });
  });
});

describe("Slack commands", () => {
  it("parses approve, reject with a reason, rollback, and the umbrella and prefixed forms", () => {
    expect(parseSlackCommand("/approve", " t-1 ")).toEqual({ action: "approve", thread_id: "t-1", comment: undefined });
    expect(parseSlackCommand("/reject", "t-1 too   expensive")).toEqual({ action: "reject", thread_id: "t-1", comment: "too expensive" });
    expect(parseSlackCommand("/rollback", "t_2")).toEqual({ action: "rollback", thread_id: "t_2", comment: undefined });
    expect(parseSlackCommand("/atlas", "approve t-3")).toMatchObject({ action: "approve", thread_id: "t-3" });
    expect(parseSlackCommand("/atlas-reject", "t-4 no")).toMatchObject({ action: "reject", comment: "no" });
  });

  it("reads the plan version an /approve or /reject answers (`v3`), before the reason", () => {
    expect(parseSlackCommand("/approve", "t-1 v3")).toEqual({ action: "approve", thread_id: "t-1", plan_version: 3, comment: undefined });
    expect(parseSlackCommand("/reject", "t-1 V12 too expensive")).toEqual({ action: "reject", thread_id: "t-1", plan_version: 12, comment: "too expensive" });
    expect(parseSlackCommand("/atlas", "approve t-1 v2 lgtm")).toMatchObject({ action: "approve", plan_version: 2, comment: "lgtm" });
    // a reason that merely starts with v is a reason; without a version there is none
    expect(parseSlackCommand("/reject", "t-1 very costly")).toMatchObject({ plan_version: undefined, comment: "very costly" });
    expect(parseSlackCommand("/approve", "t-1")).toMatchObject({ plan_version: undefined });
    expect(parseSlackCommand("/approve", "t-1 v0")).toMatchObject({ error: expect.stringContaining("v0") });
    // rollback reverts the applied commit; a reason is all it takes
    expect(parseSlackCommand("/rollback", "t-1 v3 broke it")).toEqual({ action: "rollback", thread_id: "t-1", comment: "v3 broke it" });
  });

  it("says what is wrong with an unknown command, a missing or a malformed thread id", () => {
    expect(parseSlackCommand("/deploy", "x")).toMatchObject({ error: expect.stringContaining("Unknown command") });
    expect(parseSlackCommand("/approve", "")).toMatchObject({ error: expect.stringContaining("Which plan?") });
    expect(parseSlackCommand("/approve", "../etc")).toMatchObject({ error: expect.stringContaining("not a thread id") });
  });

  it("maps Slack users to approvers from SLACK_APPROVERS, and nobody else", () => {
    const config = loadConfig({ SLACK_APPROVERS: "U123:alice, U456:bob smith" });
    expect(config.SLACK_APPROVERS).toEqual({ U123: "alice", U456: "bob smith" });
    expect(approverFor(config.SLACK_APPROVERS, "U123")).toBe("alice");
    expect(approverFor(config.SLACK_APPROVERS, "U999")).toBeUndefined();
    expect(approverFor(config.SLACK_APPROVERS, "constructor")).toBeUndefined();
    expect(loadConfig({}).SLACK_APPROVERS).toEqual({});
    expect(() => loadConfig({ SLACK_APPROVERS: "U123alice" })).toThrow(/SLACK_APPROVERS="U123alice".*SLACKID:approver/);
  });

  it("reads the other Slack and observability settings with their defaults", () => {
    const defaults = loadConfig({});
    expect(defaults.SLACK_TENANT).toBe("default");
    expect(defaults.METRICS_PUBLIC).toBe(true);
    expect(defaults.SLACK_SIGNING_SECRET).toBeUndefined();
    const set = loadConfig({ METRICS_PUBLIC: "false", PUBLIC_BASE_URL: "https://atlas.example.com", SLACK_WEBHOOK_URL: "https://hooks.example.com/x" });
    expect(set.METRICS_PUBLIC).toBe(false);
    expect(set.PUBLIC_BASE_URL).toBe("https://atlas.example.com");
    expect(() => loadConfig({ SLACK_WEBHOOK_URL: "not a url" })).toThrow(/SLACK_WEBHOOK_URL/);
  });
});

describe("Slack messages", () => {
  const event = (type: "approval.requested" | "apply.done" | "design.blocked", data: Record<string, unknown>) => ({
    schema_ver: 1 as const,
    type,
    trace_id: "t",
    thread_id: "th-1",
    tenant: "default",
    at: now.toISOString(),
    data,
  });

  it("link to the plan and say what to do next", () => {
    expect(planLink("https://atlas.example.com/", "th-1")).toBe("https://atlas.example.com/architect/plan/th-1");
    const approval = slackMessage(event("approval.requested", { plan_version: 2, monthly_usd: 812.5 }), "https://atlas.example.com");
    expect(approval).toContain("<https://atlas.example.com/architect/plan/th-1|thread th-1>");
    expect(approval).toContain("plan v2");
    expect(approval).toContain("$812.5/month");
    expect(approval).toContain("/approve th-1");
    // the commands to copy name the version the message shows, so an answer cannot land on another one
    expect(approval).toContain("`/approve th-1 v2`");
    expect(approval).toContain("`/reject th-1 v2 <reason>`");
    expect(slackMessage(event("apply.done", { commit: "0123456789abcdef", approver: "alice", plan_version: 1 }), "http://x")).toMatch(
      /Applied plan v1 .*commit 0123456789ab, approved by alice.*\/rollback th-1/,
    );
    expect(slackMessage(event("design.blocked", { stage: "architect", reason: "budget too small" }), "http://x")).toContain(
      "at the architect stage: budget too small",
    );
  });
});
