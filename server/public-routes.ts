/**
 * Routes that answer without an API key say so in their route config:
 * `app.get(path, { config: { public: true } }, handler)`. The auth plugin skips them; each
 * has its own guard where it needs one (Slack's request signature, METRICS_PUBLIC).
 */
declare module "fastify" {
  interface FastifyContextConfig {
    /** served without `Authorization: Bearer` */
    public?: boolean;
  }
}

/** The base URL people reach Atlas at, for links: PUBLIC_BASE_URL, else where the server listens. */
export function publicBaseUrl(config: { PUBLIC_BASE_URL?: string | undefined; HOST: string; PORT: number }): string {
  return config.PUBLIC_BASE_URL ?? `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${config.PORT}`;
}
