import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/database.js";
import { buildTestApp, type TestApp, type TestKey } from "../helpers/app.js";
import { embeddedTestDatabase } from "../helpers/databases.js";
import { repoRoot } from "../helpers/tmp.js";

// End to end in a real browser: the console (console/, server/routes/console.ts) on a real
// server (embedded PGlite, a background worker), driven by headless Chromium. Screenshots go to
// test/output/console/ for a person to look at.

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = join(repoRoot, "test", "output", "console");
/** Planning, validating and applying on the embedded database take a while on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 180_000;

let db: Database;
let t: TestApp;
let baseUrl: string;
let browser: Browser;
let approver: TestKey;
let viewer: TestKey;

/** Console errors and page errors (a CSP refusal shows up here), so a broken page fails the test. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

async function signIn(context: BrowserContext, key: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Runs" }).waitFor();
  return { page, errors };
}

const chromiumMissing = !existsSync(CHROMIUM);

describe("the approval console in a browser", { timeout: 2 * RUN_TIMEOUT_MS }, () => {
  if (chromiumMissing) {
    it.skip(`needs Chromium at ${CHROMIUM} (install it: apt-get install -y chromium, or set CHROMIUM_PATH)`, () => {});
    return;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    approver = await t.createKey({ roles: ["planner", "approver"], name: "alice-approver" });
    viewer = await t.createKey({ roles: ["viewer"], name: "victor-viewer" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await db?.close();
  });

  it("serves the page with its own policy and keeps the JSON policy elsewhere", async () => {
    const page = await fetch(`${baseUrl}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self';/);
    expect(page.headers.get("content-security-policy")).not.toMatch(/script-src[^;]*unsafe/);
    const api = await fetch(`${baseUrl}/healthz`);
    expect(api.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect((await fetch(`${baseUrl}/console/tsconfig.json`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/console/vendor/mermaid/package.json`)).status).toBe(404);
  });

  it("GET /auth/me says who the key is", async () => {
    const me = await fetch(`${baseUrl}/auth/me`, { headers: viewer.headers });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ key_id: viewer.id, name: "victor-viewer", tenant: "default", roles: ["viewer"], allow_self_approval: true });
    expect((await fetch(`${baseUrl}/auth/me`)).status).toBe(401);
  });

  it("plans, shows the plan to a viewer without approve, and lets an approver approve it", async () => {
    const approverContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await signIn(approverContext, approver.key);
    // the key is kept for this tab only: never a cookie
    expect(await page.evaluate(() => document.cookie)).toBe("");

    await page.getByRole("link", { name: "New plan" }).first().click();
    await expect.poll(() => page.getByLabel("Goal (JSON)").inputValue()).toContain('"orders-api"');
    await page.getByRole("button", { name: "Start planning" }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/);
    const threadId = decodeURIComponent(new URL(page.url()).hash.replace("#/runs/", ""));

    // the run page follows the background run until it waits for approval
    await page.getByRole("button", { name: "Approve" }).waitFor({ timeout: RUN_TIMEOUT_MS });
    await page.locator("#diagram svg").waitFor();
    expect(await page.locator("#diagram svg .node").count()).toBeGreaterThan(1);
    expect(await page.locator("#cost-chart svg.cost-chart rect[data-component]").count()).toBeGreaterThan(0);
    expect(await page.locator('#cost-chart [data-mark="budget"]').count()).toBe(1);
    expect(await page.locator('#cost-chart [data-mark="warn"]').count()).toBe(1);
    await expect.poll(() => page.locator("#timeline li").count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(SHOTS, "run-waiting-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, "run-waiting-390.png"), fullPage: true });
    await page.locator("#diagram-section").screenshot({ path: join(SHOTS, "diagram-390.png") });
    await page.locator("#cost").screenshot({ path: join(SHOTS, "cost-390.png") });
    await page.setViewportSize({ width: 1280, height: 900 });

    // a viewer sees the same run without the decision buttons, and the server refuses a forced approval
    const viewerContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const asViewer = await signIn(viewerContext, viewer.key);
    await asViewer.page.getByRole("link", { name: "orders-api" }).first().waitFor();
    await asViewer.page.screenshot({ path: join(SHOTS, "runs-viewer-390.png") });
    await asViewer.page.goto(`${baseUrl}/console/#/runs/${encodeURIComponent(threadId)}`);
    await asViewer.page.locator("#no-actions").waitFor();
    expect(await asViewer.page.getByRole("button", { name: "Approve" }).count()).toBe(0);
    expect(await asViewer.page.getByRole("link", { name: "New plan" }).count()).toBe(0);
    // (before the forced request: Chromium logs its 403 as a console error)
    expect(asViewer.errors).toEqual([]);
    const forced = await asViewer.page.evaluate(async (thread) => {
      const response = await fetch(`/architect/plan/${thread}/resume`, {
        method: "POST",
        headers: { authorization: `Bearer ${sessionStorage.getItem("atlas.console.api-key")}`, "content-type": "application/json" },
        body: JSON.stringify({ decision: "approve", approver: "victor" }),
      });
      return { status: response.status, body: await response.json() };
    }, threadId);
    expect(forced.status).toBe(403);
    expect(forced.body.error.code).toBe("FORBIDDEN");
    await viewerContext.close();

    // asking for changes needs a comment: the page says so instead of sending
    await page.getByRole("button", { name: "Request changes" }).click();
    await expect.poll(() => page.locator("#action-error").textContent()).toBe("Say what to change in the comment to request a revision.");

    // the approver approves: then the run is DONE with its commit
    const approve = page.getByRole("button", { name: "Approve" });
    await approve.click();
    await page.locator("#commit-sha").waitFor({ timeout: RUN_TIMEOUT_MS });
    expect(await page.locator("#commit-sha").textContent()).toMatch(/^[0-9a-f]{40}$/);
    await expect.poll(() => page.locator(".run-head .badge").textContent()).toBe("DONE");
    await expect.poll(() => page.locator("#action-result").textContent()).toMatch(/^Approved: the run is DONE, commit [0-9a-f]{12}\.$/);
    await page.getByRole("button", { name: "Roll back" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "run-done-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, "run-done-390.png") });
    await page.setViewportSize({ width: 1280, height: 900 });

    // the artifact viewer: numbered lines, the line a finding names marked
    const file = (await page.locator("#artifacts a").filter({ hasText: "network.tf" }).getAttribute("href")) ?? "";
    expect(file).toMatch(/^#\/runs\/.+\/artifacts\/terraform\/network\.tf$/);
    await page.goto(`${baseUrl}/console/${file}?line=3`);
    await page.locator("pre.code #L3.marked").waitFor();
    expect(await page.locator("pre.code .line").count()).toBeGreaterThan(3);
    await page.screenshot({ path: join(SHOTS, "artifact-1280.png") });
    expect(errors).toEqual([]);
    await approverContext.close();
  });
});
