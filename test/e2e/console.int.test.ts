import { existsSync, mkdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dollars } from "../../console/js/cost-chart.js";
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
let admin: TestKey;

/** A description that states the region, the load and the availability, and leaves the budget and the environment out. */
const PROMPT = "An internal reporting service for the finance team in eu-west-1, about 20 requests per second, 99.9 % availability";

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

/**
 * What axe-core finds against WCAG 2.x A and AA on the page as it is now, one line per failing
 * element ("rule (impact): selector: what to fix"); empty when it finds nothing.
 */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(" ")}: ${node.failureSummary?.replace(/\s+/g, " ")}`),
  );
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
    admin = await t.createKey({ roles: ["admin"], name: "ada-admin" });
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
    // cost and budget at a glance, from the list route's figures
    const listed = (await (await fetch(`${baseUrl}/architect/plans`, { headers: { authorization: `Bearer ${viewer.key}` } })).json()) as {
      runs: { thread_id: string; monthly_usd: number; budget_usd: number }[];
    };
    const mine = listed.runs.find((run) => run.thread_id === threadId);
    expect(mine?.monthly_usd).toBeGreaterThan(0);
    const costText = `$${Math.round(mine?.monthly_usd ?? 0).toLocaleString("en-US")}/month of $${(mine?.budget_usd ?? 0).toLocaleString("en-US")}`;
    expect(await asViewer.page.locator(".run .cost").allTextContents()).toContain(costText);
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
    // the audit log is an admin's: the section is absent for this key
    expect(await page.locator("#audit").count()).toBe(0);
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

    // the thread planned again from outside the page (an API client): the open page follows the
    // run's events, so v2 and its diff against approved v1 appear without a reload
    await page.goto(`${baseUrl}/console/#/runs/${encodeURIComponent(threadId)}`);
    await page.locator("#commit-sha").waitFor();
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    const headers = { authorization: `Bearer ${approver.key}`, "content-type": "application/json" };
    // the page started from the example goal, test/fixtures/goals/web-api-prod.json (console/js/new-plan.js)
    const example = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
    const bigger = { ...example, workload: { ...example.workload, requests_per_second: example.workload.requests_per_second * 8 } };
    const replanned = await fetch(`${baseUrl}/architect/plan`, { method: "POST", headers, body: JSON.stringify({ goal: bigger, thread_id: threadId }) });
    expect(replanned.status, await replanned.clone().text()).toBe(200);
    await page.locator("#plan-diff").waitFor({ timeout: RUN_TIMEOUT_MS });
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await page.locator(".run-head .meta").textContent()).toContain(" · v2 · ");
    expect(await page.locator("#changes h3").first().textContent()).toMatch(/^Since approved v1: [+−]\$/);
    expect(await page.locator("#plan-diff li").count()).toBeGreaterThan(0);
    await page.locator("#changes").screenshot({ path: join(SHOTS, "diff-1280.png") });
    expect(errors).toEqual([]);
    await approverContext.close();
  });

  it("reads a description, asks what it leaves out, and plans the answers through to a commit", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const { page, errors } = await signIn(context, admin.key);
    // what the server reads, to compare the page with (the defaults are the server's, not the test's)
    const interpreted = await fetch(`${baseUrl}/architect/interpret`, {
      method: "POST",
      headers: { ...admin.headers, "content-type": "application/json" },
      body: JSON.stringify({ prompt: PROMPT }),
    }).then((response) => response.json());
    const defaults = new Map<string, string | number>(interpreted.reading.missing.map((q: { path: string; default: string | number }) => [q.path, q.default]));
    expect([...defaults.keys()]).toEqual(expect.arrayContaining(["budget.monthly_usd", "environment"]));

    // New plan: the description first; "Read it" shows what was read and what will be asked, and starts nothing
    await page.getByRole("link", { name: "New plan" }).first().click();
    await page.getByLabel("What do you need?").fill(PROMPT);
    await page.getByRole("button", { name: "Read it" }).click();
    const confirmation = page.locator("#prompt-confirmation");
    await confirmation.waitFor();
    const region = confirmation.locator('#read-fields li[data-path="region"]');
    expect(await region.locator(".value").textContent()).toBe("eu-west-1");
    expect(await region.locator("q").textContent()).toBe(interpreted.reading.fields.find((f: { path: string }) => f.path === "region").from);
    expect(PROMPT).toContain(await region.locator("q").textContent());
    const budgetQuestion = confirmation.locator('#read-questions li[data-path="budget.monthly_usd"]');
    expect(await budgetQuestion.textContent()).toContain("What may this cost per month, in USD?");
    expect(await budgetQuestion.textContent()).toContain(String(defaults.get("budget.monthly_usd")));
    expect(await confirmation.locator('#read-questions li[data-path="environment"]').count()).toBe(1);
    expect(
      (await (await fetch(`${baseUrl}/architect/plans`, { headers: admin.headers })).json()).runs.map((r: { goal_name: string }) => r.goal_name),
    ).not.toContain(interpreted.reading.name);
    await page.locator("#prompt-goal").screenshot({ path: join(SHOTS, "confirmation-1280.png") });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator("#prompt-goal").screenshot({ path: join(SHOTS, "confirmation-390.png") });
    await page.setViewportSize({ width: 1280, height: 900 });

    // a viewer's runs list, open in another browser, learns of the run from the event stream (no reload)
    const watcherContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const watcher = await signIn(watcherContext, viewer.key);
    await watcher.page.locator("ul.runs[aria-busy=false]").waitFor();
    const listedBefore = await watcher.page.locator("ul.runs li.run").count();
    await watcher.page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });

    // Start: the run page shows the clarify form, each input prefilled with its default
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/);
    const promptThread = decodeURIComponent(new URL(page.url()).hash.replace("#/runs/", ""));
    await watcher.page.locator("ul.runs li.run").filter({ hasText: promptThread }).waitFor({ timeout: RUN_TIMEOUT_MS });
    expect(await watcher.page.locator("ul.runs li.run").count()).toBe(listedBefore + 1);
    expect(await watcher.page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(watcher.errors).toEqual([]);
    await watcherContext.close();
    const form = page.locator("#clarify");
    await form.waitFor({ timeout: RUN_TIMEOUT_MS });
    await expect.poll(() => page.locator(".run-head .badge").textContent()).toBe("WAIT FOR ANSWER");
    const budget = page.getByLabel("What may this cost per month, in USD?");
    const environment = page.getByLabel("Which environment is this for: dev, staging or prod?");
    expect(await budget.inputValue()).toBe(String(defaults.get("budget.monthly_usd")));
    expect(await environment.inputValue()).toBe(String(defaults.get("environment")));
    expect(await environment.evaluate((element) => element.tagName)).toBe("SELECT");
    await page.screenshot({ path: join(SHOTS, "clarify-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await form.screenshot({ path: join(SHOTS, "clarify-390.png") });
    await page.setViewportSize({ width: 1280, height: 900 });

    // a wrong answer: the server's 400 names the field, shown beside its input; the questions keep waiting
    await budget.fill("-5");
    await page.getByRole("button", { name: "Answer", exact: true }).click();
    await expect.poll(() => page.locator("#answer-budget-monthly-usd-error").textContent()).not.toBe("");
    expect(await budget.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#answer-environment-error").textContent()).toBe("");
    await form.screenshot({ path: join(SHOTS, "clarify-error-1280.png") });

    // the answers: budget 800, staging; the workload kind is left at its default (assumed)
    await budget.fill("800");
    await environment.selectOption("staging");
    const answer = page.getByRole("button", { name: "Answer", exact: true });
    await answer.click();
    // no double submit: every button of the form is disabled while the answer is sent
    expect(await page.locator("#clarify button:not([disabled])").count()).toBe(0);
    await page.getByRole("button", { name: "Approve" }).waitFor({ timeout: RUN_TIMEOUT_MS });
    await expect.poll(() => page.locator(".run-head .badge").textContent()).toBe("WAIT FOR APPROVE");
    await page.locator("#diagram svg").waitFor();
    expect(await page.locator('#cost-chart [data-mark="budget"]').count()).toBe(1);
    expect(await page.locator("#cost-chart svg .mark-label").allTextContents()).toContain("budget $800");

    // how the goal was read: the words each field came from, the answers, the default assumed
    const reading = page.locator("#reading");
    expect(await reading.locator('#reading-fields li[data-path="region"] q').textContent()).toBe("eu-west-1");
    expect(await reading.locator('#reading-answers li[data-path="budget.monthly_usd"] .value').textContent()).toBe("800");
    expect(await reading.locator('#reading-answers li[data-path="environment"] .value').textContent()).toBe("staging");
    const assumed = reading.locator('#reading-assumed li[data-path="workload.type"]');
    expect(await assumed.locator(".badge").textContent()).toBe("ASSUMED");
    expect(await assumed.locator(".value").textContent()).toBe(String(defaults.get("workload.type")));
    await reading.screenshot({ path: join(SHOTS, "reading-1280.png") });
    await page.setViewportSize({ width: 390, height: 844 });
    await reading.screenshot({ path: join(SHOTS, "reading-390.png") });
    await page.setViewportSize({ width: 1280, height: 900 });

    // an admin sees the run's audit entries
    await page.locator('#audit-entries li[data-action="clarify.answer"]').waitFor();

    // every artifact in one download, fetched with the key and saved from a Blob
    const [saved] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download all artifacts" }).click()]);
    expect(saved.suggestedFilename()).toMatch(/\.tar\.gz$/);
    const bytes = readFileSync(await saved.path());
    expect([...bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    await expect.poll(() => page.locator("#download-status").textContent()).toBe(`Saved ${saved.suggestedFilename()}.`);

    // a revision: the new version's notes say what the comment did
    const comment = "Looks good, but no cache for now please.";
    await page.getByLabel("Comment (needed to request changes)").fill(comment);
    await page.getByRole("button", { name: "Request changes" }).click();
    const note = page.locator("#revision-notes li").filter({ hasText: `revise comment "${comment}"` });
    await note.waitFor({ timeout: RUN_TIMEOUT_MS });
    await expect.poll(() => page.locator(".run-head .badge").textContent()).toBe("WAIT FOR APPROVE");
    expect(await page.locator(".run-head .meta").textContent()).toContain(" · v2 · ");
    // the reading stays with the run through the revision
    expect(await page.locator('#reading-answers li[data-path="budget.monthly_usd"] .value').textContent()).toBe("800");
    await page.locator("#changes").screenshot({ path: join(SHOTS, "changes-1280.png") });

    await page.getByRole("button", { name: "Approve" }).click();
    await page.locator("#commit-sha").waitFor({ timeout: RUN_TIMEOUT_MS });
    expect(await page.locator("#commit-sha").textContent()).toMatch(/^[0-9a-f]{40}$/);
    await expect.poll(() => page.locator(".run-head .badge").textContent()).toBe("DONE");
    // the audit log follows the decisions (read again when the page is drawn)
    await page.locator('#audit-entries li[data-action="approval.approve"]').waitFor();
    await page.screenshot({ path: join(SHOTS, "prompt-run-done-1280.png"), fullPage: true });
    // the only console error is Chromium's log line for the wrong answer's 400
    expect(errors.filter((error) => !error.includes("400 (Bad Request)"))).toEqual([]);
    await context.close();
  });
  it("shows an Azure and a Google Cloud plan as it shows an AWS one: where it runs, the diagram, the cost by component, no errors", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await signIn(context, viewer.key);
    const problems: string[] = [];
    for (const cloud of ["azure", "gcp"] as const) {
      const goal = JSON.parse(readFileSync(join(repoRoot, `evals/goals/${cloud}/02-prod-api.json`), "utf8"));
      const threadId = `console-${cloud}`;
      const made = await fetch(`${baseUrl}/architect/plan`, {
        method: "POST",
        headers: { ...admin.headers, "content-type": "application/json" },
        body: JSON.stringify({ goal: { ...goal, name: `${cloud}-orders` }, thread_id: threadId }),
      });
      const run = (await made.json()) as {
        status: string;
        plan: { region: string; components: { id: string }[]; cost: { monthly_total_usd: number; breakdown: { component_id: string }[] } };
      };
      expect(run.status).toBe("WAIT_FOR_APPROVE");

      await page.goto(`${baseUrl}/console/#/runs/${threadId}`);
      await page.locator("#diagram svg").waitFor({ timeout: RUN_TIMEOUT_MS });
      // where it runs is the plan's own cloud and region
      await expect.poll(() => page.locator(".run-head").textContent()).toContain(`${cloud} ${goal.region}`);
      expect(await page.locator("#diagram svg .node").count()).toBeGreaterThan(1);
      // one bar per priced component, the plan's own components, and the plan's total in words
      const bars = await page
        .locator("#cost-chart svg.cost-chart rect[data-component]")
        .evaluateAll((rects) => [...new Set(rects.map((rect) => rect.getAttribute("data-component")))]);
      expect(bars.length).toBeGreaterThan(2);
      expect(run.plan.components.map((component) => component.id)).toEqual(expect.arrayContaining(bars));
      expect(await page.locator("#cost").textContent()).toContain(`${dollars(run.plan.cost.monthly_total_usd)} a month`);
      await page.screenshot({ path: join(SHOTS, `run-${cloud}-1280.png`), fullPage: true });
      problems.push(...(await accessibilityProblems(page)).map((problem) => `${cloud} run: ${problem}`));
    }
    expect(problems).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("passes axe-core's WCAG A/AA checks on every page, at 1280 and 390 px, and approves by keyboard alone", async () => {
    // a run waiting for answers and one waiting for approval, made over HTTP
    const post = (body: unknown) =>
      fetch(`${baseUrl}/architect/plan`, { method: "POST", headers: { ...admin.headers, "content-type": "application/json" }, body: JSON.stringify(body) });
    const asking = await post({ prompt: PROMPT, thread_id: "a11y-answer" });
    expect(((await asking.json()) as { status: string }).status).toBe("WAIT_FOR_ANSWER");
    const example = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
    const waiting = await post({ goal: { ...example, name: "keyboard-api" }, thread_id: "a11y-approve" });
    expect(((await waiting.json()) as { status: string }).status).toBe("WAIT_FOR_APPROVE");

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const problems: string[] = [];
    const check = async (name: string, ready: () => Promise<unknown>) => {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
        await ready();
        problems.push(...(await accessibilityProblems(page)).map((problem) => `${name} at ${width} px: ${problem}`));
      }
    };

    // sign in with the keyboard: the key field has the focus's first stop, Enter submits
    await page.goto(`${baseUrl}/console/`);
    await check("sign-in", () => page.getByLabel("API key").waitFor());
    await page.getByLabel("API key").focus();
    await page.keyboard.type(approver.key);
    await page.keyboard.press("Enter");
    await check("runs list", () => page.locator("ul.runs[aria-busy=false]").waitFor());
    await page.goto(`${baseUrl}/console/#/new`);
    await check("new plan", () => page.getByLabel("What do you need?").waitFor());
    await page.getByLabel("What do you need?").fill(PROMPT);
    await page.getByRole("button", { name: "Read it" }).click();
    await check("confirmation", () => page.locator("#prompt-confirmation").waitFor());
    await page.goto(`${baseUrl}/console/#/runs/a11y-answer`);
    await check("clarify form", () => page.locator("#clarify").waitFor());

    // the run waiting for approval: reached and approved with Tab and Enter only
    await page.goto(`${baseUrl}/console/#/`);
    await page.locator("ul.runs[aria-busy=false]").waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
    const focusTo = async (matches: () => Promise<boolean>, what: string) => {
      for (let presses = 0; presses < 80; presses++) {
        await page.keyboard.press("Tab");
        if (await matches()) return;
      }
      throw new Error(`Tab never reached ${what}`);
    };
    await focusTo(() => page.evaluate(() => document.activeElement?.textContent === "keyboard-api"), "the run's link");
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/runs\/a11y-approve$/);
    await check("run waiting for approval", () => page.getByRole("button", { name: "Approve" }).waitFor());
    await page.setViewportSize({ width: 1280, height: 900 });
    await focusTo(() => page.evaluate(() => document.activeElement?.textContent === "Approve"), "the Approve button");
    await page.keyboard.press("Enter");
    await page.locator("#commit-sha").waitFor({ timeout: RUN_TIMEOUT_MS });
    await check("run done", () => page.locator("#commit-sha").waitFor());
    const file = (await page.locator("#artifacts a").filter({ hasText: "network.tf" }).getAttribute("href")) ?? "";
    await page.goto(`${baseUrl}/console/${file}`);
    await check("artifact", () => page.locator("pre.code").waitFor());

    expect(problems).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
