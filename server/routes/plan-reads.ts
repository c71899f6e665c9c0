import { posix } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { createGzip } from "node:zlib";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { pack } from "tar-stream";
import { z } from "zod";
import type { ArtifactWithContent } from "../../graph/artifact-contents.js";
import { runStatuses } from "../../graph/state.js";
import { AtlasError } from "../../lib/errors.js";
import type { ArtifactSignature } from "../../lib/signing.js";
import { SIGNATURE_FILE, signatureDocument } from "../../nodes/builder/verify.js";
import { keyNames } from "../../tenants/keys.js";
import type { ServerDeps } from "../deps.js";
import { tenantOf } from "../plugins/auth.js";
import { errors, json, media, type ResponseDoc, runViewSchema } from "../responses.js";
import { paramsSchema, threadIdSchema } from "./plan.js";

export const runHistorySchema = z.object({
  thread_id: z.string(),
  history: z.array(
    z.object({
      checkpoint_id: z.string().optional(),
      created_at: z.string().optional(),
      step: z.number().int().optional(),
      source: z.string().optional(),
      next: z.array(z.string()),
      status: z.enum(runStatuses).optional(),
      plan_version: z.number().int().nullable(),
    }),
  ),
});

export const runEventsSchema = z.object({ thread_id: z.string(), events: z.array(z.record(z.string(), z.unknown())) });

export const runArtifactsSchema = z.object({
  thread_id: z.string(),
  digest: z.string().nullable(),
  files: z.array(z.object({ path: z.string(), kind: z.string(), sha256: z.string(), bytes: z.number().int() })),
});

export const runListQuerySchema = z
  .object({
    status: z.enum(runStatuses).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export const runListSchema = z.object({
  runs: z.array(
    z.object({
      thread_id: z.string(),
      plan_id: z.string(),
      goal_name: z.string(),
      status: z.enum(runStatuses),
      plan_version: z.number().int(),
      busy: z.boolean(),
      created_by: z.string().nullable(),
      created_by_name: z.string().nullable(),
      tokens_used: z.number().int(),
      /** the latest plan's monthly cost and the goal's budget (null until a plan exists) */
      monthly_usd: z.number().nullable(),
      budget_usd: z.number().nullable(),
      created_at: z.string(),
      updated_at: z.string(),
    }),
  ),
});

/** What an archive's MANIFEST.json says: the build, and each file's path (as /artifacts lists it), SHA-256 and size. */
export const archiveManifestSchema = z.object({
  plan_id: z.string(),
  plan_version: z.number().int(),
  digest: z.string(),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int() })),
});

/** A build as the archive packs it. */
interface ArchivedBuild {
  plan_id: string;
  plan_version: number;
  digest: string;
  /** the builder's signature; absent for builds from before signing */
  signature?: ArtifactSignature | undefined;
  files: ArtifactWithContent[];
}

/** The archive's name and top folder, `<plan_id>-v<version>`, in characters safe in a file name and a header. */
export const archiveName = (build: Pick<ArchivedBuild, "plan_id" | "plan_version">) =>
  `${build.plan_id.replace(/[^A-Za-z0-9._-]/g, "_")}-v${build.plan_version}`;

/**
 * An artifact path as a relative path inside the archive's folder. The builder writes plain
 * relative paths; one that is absolute or climbs out (`..`) would extract outside the folder,
 * so it is refused rather than packed.
 */
function archivePath(path: string): string {
  const normal = posix.normalize(path);
  if (path === "" || posix.isAbsolute(normal) || normal === ".." || normal.startsWith("../")) {
    throw new AtlasError("INTERNAL", `artifact path ${JSON.stringify(path)} would extract outside the archive's folder`);
  }
  return normal;
}

/**
 * A build as one gzipped tar: every file under `<name>/`, then `<name>/MANIFEST.json` and, for a
 * signed build, `<name>/ATLAS-SIGNATURE.json` (what `pnpm verify <name>` checks). The
 * contents are all in hand before the first byte is sent, so the stream cannot fail half-way
 * on a missing artifact. Every entry carries `mtime` (the time of the download).
 */
function gzippedTar(build: ArchivedBuild, mtime: Date, onError: (error: Error) => void): Readable {
  const folder = archiveName(build);
  const manifest: z.infer<typeof archiveManifestSchema> = {
    plan_id: build.plan_id,
    plan_version: build.plan_version,
    digest: build.digest,
    files: build.files.map(({ path, sha256, bytes }) => ({ path, sha256, bytes })),
  };
  const entries = [
    ...build.files.map((file) => ({ name: `${folder}/${archivePath(file.path)}`, content: Buffer.from(file.content, "utf8") })),
    { name: `${folder}/MANIFEST.json`, content: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8") },
    ...(build.signature ? [{ name: `${folder}/${SIGNATURE_FILE}`, content: Buffer.from(signatureDocument(build.signature, build.files), "utf8") }] : []),
  ];
  const tar = pack();
  for (const entry of entries) tar.entry({ name: entry.name, mode: 0o644, mtime }, entry.content);
  tar.finalize();
  const gzip = createGzip();
  pipeline(tar, gzip, (error) => {
    if (error) onError(error);
  });
  return gzip;
}

const thread = { params: paramsSchema, tags: ["planning"] };
/** every read of a thread needs only `viewer` */
const read = { role: "viewer" as const };

/** Reading a thread: its state, checkpoint history, lifecycle events and artifacts (the live stream: plan-stream.ts). */
export const planReadRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const planner = deps.planner;

  app.get(
    "/architect/plans",
    {
      schema: {
        tags: ["planning"],
        summary: "The tenant's runs: waiting for approval first, then the most recently changed",
        querystring: runListQuerySchema,
        response: { 200: json(runListSchema, "OK"), 400: errors.invalid },
      },
      config: read,
    },
    async (request) => {
      const tenant = tenantOf(request);
      return { runs: await planner.list(tenant, request.query, (ids) => keyNames(deps.db.pool, tenant, ids)) };
    },
  );

  app.get(
    "/architect/plan/:thread_id",
    {
      schema: { ...thread, summary: "A thread's current state", response: { 200: json(runViewSchema, "OK"), 400: errors.invalid, 404: errors.missingThread } },
      config: read,
    },
    async (request) => planner.get(request.params.thread_id, tenantOf(request)),
  );

  app.get(
    "/architect/plan/:thread_id/history",
    {
      schema: { ...thread, summary: "Checkpoint history, newest first", response: { 200: json(runHistorySchema, "OK"), 404: errors.missingThread } },
      config: read,
    },
    async (request) => {
      const { thread_id } = request.params;
      return { thread_id, history: await planner.history(thread_id, tenantOf(request)) };
    },
  );

  app.get(
    "/architect/plan/:thread_id/events",
    {
      schema: { ...thread, summary: "The thread's lifecycle events", response: { 200: json(runEventsSchema, "OK"), 404: errors.missingThread } },
      config: read,
    },
    async (request) => {
      const { thread_id } = request.params;
      return { thread_id, events: await planner.events(thread_id, tenantOf(request)) };
    },
  );

  app.get(
    "/architect/plan/:thread_id/artifacts",
    {
      schema: { ...thread, summary: "Artifacts of the latest build", response: { 200: json(runArtifactsSchema, "OK"), 404: errors.missingThread } },
      config: read,
    },
    async (request) => {
      const { thread_id } = request.params;
      const run = await planner.get(thread_id, tenantOf(request));
      return { thread_id, digest: run.artifacts_digest, files: run.artifacts };
    },
  );

  app.get(
    "/architect/plan/:thread_id/artifacts.tar.gz",
    {
      schema: {
        ...thread,
        summary: "Every artifact of a build (the latest, or `?version=N`) as one gzipped tar, with a MANIFEST.json",
        querystring: z.object({ version: z.coerce.number().int().min(1).max(10_000).optional() }).strict(),
        description:
          "Files are under `<plan_id>-v<version>/` at the paths `/artifacts` lists; `MANIFEST.json` beside them gives each file's `path`, `sha256` and `bytes` and the build's `digest`; `ATLAS-SIGNATURE.json` (signed builds) is the Ed25519 signature over the digest with each file's SHA-256, which `pnpm verify <folder>` checks.",
        response: { 200: media("application/gzip", "The archive (`content-disposition: attachment`)"), 404: errors.missingThread },
      },
      config: read,
    },
    async (request, reply) => {
      const build = await planner.artifactBundle(request.params.thread_id, tenantOf(request), request.query.version);
      const name = archiveName(build);
      reply.type("application/gzip");
      reply.header("content-disposition", `attachment; filename="${name}.tar.gz"`);
      return reply.send(
        gzippedTar(build, new Date(), (error) => request.log.error({ err: error, thread_id: request.params.thread_id }, "artifact archive stream failed")),
      );
    },
  );

  app.get(
    "/architect/plan/:thread_id/artifacts/*",
    {
      schema: {
        tags: ["planning"],
        summary: "One artifact's content (ETag: its sha256)",
        description: "`*` is the artifact's path as `/artifacts` lists it.",
        params: z.object({ thread_id: threadIdSchema, "*": z.string() }).strict(),
        response: {
          200: {
            description: "The file: JSON for .json, text otherwise",
            content: { "application/json": { schema: z.unknown() }, "text/plain": { schema: z.string() } },
          } as ResponseDoc,
          404: errors.missingThread,
        },
      },
      config: read,
    },
    async (request, reply) => {
      const file = await planner.artifact(request.params.thread_id, tenantOf(request), request.params["*"]);
      reply.header("etag", `"${file.sha256}"`);
      reply.type(file.path.endsWith(".json") ? "application/json" : "text/plain; charset=utf-8");
      return file.content;
    },
  );
};
