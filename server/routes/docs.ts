import swaggerUi from "@fastify/swagger-ui";
import type { FastifyPluginAsync, RouteOptions } from "fastify";
import { z } from "zod";
import { json, media } from "../responses.js";

/**
 * The docs page's policy: Swagger UI's scripts, styles and icons come from this server ('self'),
 * nothing inline, nothing from elsewhere; it fetches the description from 'self'. The JSON
 * policy (`default-src 'none'`) stays on every other route.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const openApiDocument = z.record(z.string(), z.unknown());

type UiRouteDoc = { summary: string; description?: string; response: Record<number, unknown> };

/** What each route Swagger UI registers under /docs is, so the description lists it too. */
function uiRouteDoc(url: string): UiRouteDoc {
  const page = {
    summary: "This description as a page (Swagger UI, served by Atlas itself, no CDN)",
    description: "Also answers at `/docs/`. Its own content security policy allows scripts and styles from this server only.",
    response: { 200: media("text/html", "The page") },
  };
  const byPath: Record<string, UiRouteDoc> = {
    "/docs": page,
    // the page's HEAD twin is announced with the trailing slash
    "/docs/": page,
    "/docs/json": { summary: "This description, as the page reads it (the same as /openapi.json)", response: { 200: json(openApiDocument, "OpenAPI 3.1") } },
    "/docs/yaml": { summary: "This description as YAML", response: { 200: media("application/x-yaml", "OpenAPI 3.1") } },
    "/docs/static/index.html": { summary: "Redirects to the page", response: { 302: z.null().describe("To /docs/ (no body)") } },
    "/docs/static/swagger-initializer.js": { summary: "The page's start-up script", response: { 200: media("application/javascript", "JavaScript") } },
    "/docs/static/*": { summary: "Swagger UI's scripts, styles and icons", response: { 200: media("application/octet-stream", "The file") } },
  };
  const doc = byPath[url];
  if (!doc) throw new Error(`Swagger UI registered ${url}, which Atlas does not describe yet: add it to uiRouteDoc in server/routes/docs.ts`);
  return doc;
}

/**
 * Swagger UI registers its routes hidden from the description; here each is described (tag
 * `docs`) and made public instead, so the description lists every route the server answers.
 * (Its HEAD twins too: Fastify copies a GET's options for them before this hook runs.)
 */
function describeUiRoute(route: RouteOptions): void {
  route.schema = { tags: ["docs"], ...uiRouteDoc(route.url) } as RouteOptions["schema"];
  route.config = { ...route.config, public: true };
}

/**
 * `GET /openapi.json`: the OpenAPI 3.1 description @fastify/swagger builds from the routes'
 * own declarations. `GET /docs`: the same as a page, Swagger UI from this server's own files.
 */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    "/openapi.json",
    {
      schema: { tags: ["operations"], summary: "This description (OpenAPI 3.1)", response: { 200: json(openApiDocument, "OpenAPI 3.1") } },
      config: { public: true },
    },
    async () => app.swagger(),
  );
  await app.register(async (ui) => {
    ui.addHook("onRoute", describeUiRoute);
    await ui.register(swaggerUi, {
      routePrefix: "/docs",
      staticCSP: DOCS_CSP,
      theme: { title: "Atlas API" },
      uiConfig: { deepLinking: true, displayOperationId: false, tryItOutEnabled: false },
    });
  });
};
