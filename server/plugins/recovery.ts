import type { FastifyInstance } from "fastify";
import type { ServerDeps } from "../deps.js";

/**
 * Sweeps for what dead runners left (`runs/recovery.ts`) when the server is ready and then every
 * half STALE_CLAIM_SECONDS, on every replica: a claim is stale after STALE_CLAIM_SECONDS, so a
 * run cut off by a crash is taken over within one and a half intervals. Stops when the server closes.
 */
export function registerRecovery(app: FastifyInstance, deps: Pick<ServerDeps, "recovery" | "config" | "log">): void {
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    sweeping = deps.recovery.sweep().catch((error: unknown) => deps.log.error({ err: error }, "recovery sweep failed; the next one tries again"));
  };
  app.addHook("onReady", async () => {
    sweep();
    timer = setInterval(sweep, Math.max(1_000, (deps.config.STALE_CLAIM_SECONDS * 1_000) / 2));
    timer.unref();
  });
  app.addHook("preClose", async () => {
    clearInterval(timer);
    await sweeping;
  });
}
