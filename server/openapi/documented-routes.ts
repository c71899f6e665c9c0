import type { FastifyInstance, RouteOptions } from "fastify";

type Documented = { summary?: unknown; tags?: unknown; hide?: unknown };

/** Why a route is not documented, or null when it is. */
function problem(route: RouteOptions): string | null {
  const methods = [route.method].flat();
  // HEAD mirrors its GET; OPTIONS is @fastify/cors's preflight plumbing, hidden by the library
  if (methods.every((method) => method === "HEAD" || method === "OPTIONS")) return null;
  const schema = (route.schema ?? {}) as Documented;
  if (schema.hide) return "is hidden from the description";
  if (typeof schema.summary !== "string" || !schema.summary) return "has no schema.summary";
  if (!Array.isArray(schema.tags) || schema.tags.length === 0) return "has no schema.tags";
  return null;
}

/** The routes a server announced, as the OpenAPI description needs them. */
export interface AnnouncedRoutes {
  /**
   * The URL a route was announced under. A prefix's `/` route is served at `/x` and `/x/`, but
   * Fastify announces only `/x` to `onRoute` hooks and then rewrites the announced options' url
   * to `/x/`; the description lists the route under the URL that was announced.
   */
  urlOf(route: RouteOptions): string | undefined;
}

/**
 * Records every route registered from now on, and refuses to start a server with a route the
 * OpenAPI description would not describe: every route declares a summary and a tag (and is not
 * hidden). Checked when the server is ready, after every plugin's `onRoute` hooks had their say.
 * Register it before any route.
 */
export function requireDocumentedRoutes(app: FastifyInstance): AnnouncedRoutes {
  const urls = new WeakMap<RouteOptions, string>();
  const routes: RouteOptions[] = [];
  app.addHook("onRoute", (route) => {
    routes.push(route);
    urls.set(route, route.url);
  });
  app.addHook("onReady", async () => {
    const undocumented = routes.flatMap((route) => {
      const why = problem(route);
      return why ? [`${[route.method].flat().join(",")} ${urls.get(route)} ${why}`] : [];
    });
    if (undocumented.length) throw new Error(`Undocumented routes (declare schema.summary and schema.tags on each): ${undocumented.join("; ")}`);
  });
  return { urlOf: (route) => urls.get(route) };
}
