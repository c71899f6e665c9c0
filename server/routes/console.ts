import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { z } from "zod";
import { errorResponseSchema, json, media } from "../responses.js";

/**
 * The console's policy. Scripts: only this server's files ('self'), nothing inline, nothing from
 * elsewhere (private networks have no CDN). Styles: 'self' plus 'unsafe-inline', because Mermaid
 * writes a `<style>` element into every SVG it renders and sets `style` attributes on its nodes;
 * without it the diagram renders unstyled (black boxes, unreadable labels). Inline styles cannot
 * run code, so the script policy, the one that matters against injection, stays strict.
 * connect-src 'self': the page talks only to this API. Every other route keeps JSON_CSP.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** What the console serves from its folder: pages, modules, styles, icons; never tsconfig, .d.ts or tests. */
const CONSOLE_FILE = /^[a-z0-9-]+(\/[a-z0-9-]+)*\.(html|js|css|svg)$/;
/** What it serves of Mermaid: the browser ES module and the chunks it imports, nothing else of the package. */
const MERMAID_FILE = /^(mermaid\.esm\.min\.mjs|chunks\/mermaid\.esm\.min\/[A-Za-z0-9_.-]+\.mjs)$/;

/**
 * The console's folder: beside the sources (`server/routes/` → `console/`), or two levels further
 * up when running the compiled server from `dist/server/routes/`.
 */
export function consoleRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "..", "..", "console"), join(here, "..", "..", "..", "console")];
  const found = candidates.find((dir) => existsSync(join(dir, "index.html")));
  if (!found) throw new Error(`the console's files are missing: looked for index.html in ${candidates.join(" and ")}`);
  return found;
}

/** Mermaid's dist/ folder, from the installed package (served locally, never from a CDN). */
function mermaidRoot(): string {
  return dirname(createRequire(import.meta.url).resolve("mermaid"));
}

const notFound = (reply: FastifyReply) =>
  reply
    .code(404)
    .type("application/json")
    .send({ error: { code: "NOT_FOUND", message: "No such file" } });

const page = { 200: media("text/html", "The console page (sign in with an API key)") };
const file = { 200: media("application/octet-stream", "The file"), 404: json(errorResponseSchema, "No such file") };

/**
 * `GET /console`: the approval console, a static page and plain browser ES modules (console/),
 * with Mermaid from node_modules. Public: the files hold no data; the page asks for an API key
 * and every API call it makes sends it (`Authorization: Bearer`), like any other client.
 */
export const consoleRoutes: FastifyPluginAsync = async (app) => {
  const root = consoleRoot();
  const mermaid = mermaidRoot();
  await app.register(fastifyStatic, { root, serve: false });
  app.addHook("onSend", async (request, reply) => {
    reply.header("content-security-policy", CONSOLE_CSP);
    // Mermaid's files change only with the package version; the console's own with a deploy
    if (request.url.startsWith("/console/vendor/")) reply.header("cache-control", "public, max-age=3600");
    else reply.header("cache-control", "no-cache");
  });
  const config = { public: true };
  const schema = (summary: string, response: Record<number, unknown>, params?: z.ZodType) => ({
    tags: ["console"],
    summary,
    response,
    ...(params ? { params } : {}),
  });
  const wildcard = z.object({ "*": z.string() }).strict();

  for (const url of ["/console", "/console/"]) {
    app.get(url, { schema: schema("The approval console (a page for people: sign in with an API key)", page), config }, async (_request, reply) =>
      reply.type("text/html; charset=utf-8").sendFile("index.html", root),
    );
  }
  app.get(
    "/console/vendor/mermaid/*",
    { schema: schema("Mermaid's browser module, from the installed package", file, wildcard), config },
    async (request, reply) => {
      const path = (request.params as { "*": string })["*"];
      return MERMAID_FILE.test(path) ? reply.sendFile(path, mermaid) : notFound(reply);
    },
  );
  app.get("/console/*", { schema: schema("The console's scripts, styles and icons", file, wildcard), config }, async (request, reply) => {
    const path = (request.params as { "*": string })["*"];
    return CONSOLE_FILE.test(path) ? reply.sendFile(path, root) : notFound(reply);
  });
};
