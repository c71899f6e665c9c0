import type { FastifyInstance } from "fastify";
import type { ServerDeps } from "../deps.js";
import { buildOpenApi, type RegisteredRoute } from "../openapi/spec.js";
import { publicBaseUrl } from "../public-routes.js";

type JsonObject = Record<string, unknown>;

const html = (text: unknown) =>
  String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

const refName = (schema: unknown) => {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  return ref ? ref.split("/").pop() : undefined;
};

const schemaLink = (schema: unknown) => {
  const name = refName(schema);
  return name ? `<a href="#schema-${html(name)}">${html(name)}</a>` : `<code>${html(JSON.stringify(schema))}</code>`;
};

function renderOperation(method: string, path: string, op: JsonObject): string {
  const params = (op.parameters as { name: string; in: string; schema: unknown }[] | undefined) ?? [];
  const body = (op.requestBody as { content: Record<string, { schema: unknown }> } | undefined)?.content;
  const responses = op.responses as Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  const rows = Object.entries(responses)
    .map(([status, response]) => {
      const content = Object.entries(response.content ?? {})
        .map(([type, media]) => `${html(type)}: ${schemaLink(media.schema)}`)
        .join("<br>");
      return `<tr><td>${html(status)}</td><td>${html(response.description)}</td><td>${content}</td></tr>`;
    })
    .join("");
  return `<section class="op" id="${html(op.operationId)}">
<h3><span class="method ${html(method)}">${html(method.toUpperCase())}</span> <code>${html(path)}</code>${Array.isArray(op.security) && op.security.length === 0 ? ' <span class="public">public</span>' : ""}</h3>
<p>${html(op.summary)}</p>${op.description ? `<p class="desc">${html(op.description)}</p>` : ""}
${params.length ? `<p>Parameters: ${params.map((p) => `<code>${html(p.name)}</code> (${html(p.in)})`).join(", ")}</p>` : ""}
${body ? `<p>Body: ${Object.entries(body).map(([type, media]) => `${html(type)}: ${schemaLink(media.schema)}`).join(", ")}</p>` : ""}
<table><tr><th>status</th><th>meaning</th><th>body</th></tr>${rows}</table>
</section>`;
}

/** The spec as one HTML page: operations by tag and every schema. No script, no external asset. */
export function renderDocs(spec: JsonObject): string {
  const info = spec.info as { title: string; version: string; description: string };
  const paths = spec.paths as Record<string, Record<string, JsonObject>>;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags as string[] | undefined)?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
    }
  }
  const schemas = (spec.components as { schemas: Record<string, unknown> }).schemas;
  const schemaHtml = Object.entries(schemas)
    .map(([name, schema]) => `<details id="schema-${html(name)}"><summary>${html(name)}</summary><pre>${html(JSON.stringify(schema, null, 2))}</pre></details>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(info.title)} API ${html(info.version)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f6f8;padding:.75rem;overflow:auto}
.op{border-top:1px solid #dde2e8;padding:.5rem 0}.method{display:inline-block;min-width:4.5rem;font-weight:700}
.get{color:#0b6e4f}.post{color:#1f5fbf}.put,.patch{color:#a15c00}.delete{color:#b3261e}
.public{font-size:12px;background:#e7f5ec;color:#0b6e4f;padding:0 .4rem;border-radius:3px}
table{border-collapse:collapse}td,th{border:1px solid #dde2e8;padding:.2rem .5rem;text-align:left;vertical-align:top}.desc{color:#4a5563}
</style></head><body>
<h1>${html(info.title)} API <small>${html(info.version)}</small></h1>
<p>${html(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${html(spec.openapi)}). Authenticate with <code>Authorization: Bearer atlas_…</code> unless an operation is marked public.</p>
${[...byTag.entries()].map(([tag, ops]) => `<h2>${html(tag)}</h2>\n${ops.join("\n")}`).join("\n")}
<h2>Schemas</h2>
${schemaHtml}
</body></html>`;
}

/** `GET /openapi.json` (OpenAPI 3.1 from the zod schemas) and `GET /docs` (the same, as a page). */
export async function openapiRoutes(app: FastifyInstance, { deps, routes }: { deps: ServerDeps; routes: RegisteredRoute[] }): Promise<void> {
  // Built on first request, when every plugin has registered its routes.
  let spec: JsonObject | undefined;
  const current = () => {
    spec ??= buildOpenApi(routes, { serverUrl: publicBaseUrl(deps.config) });
    return spec;
  };
  app.get("/openapi.json", { config: { public: true } }, async () => current());
  let html: string | undefined;
  app.get("/docs", { config: { public: true } }, async (_request, reply) => {
    html ??= renderDocs(current());
    reply.type("text/html; charset=utf-8");
    reply.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
    return html;
  });
}
