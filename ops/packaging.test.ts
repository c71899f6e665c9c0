import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchema, loadConfig } from "../lib/config.js";
import { repoRoot } from "../test/helpers/tmp.js";

const read = (file: string) => readFileSync(join(repoRoot, file), "utf8");
const composeText = read("docker-compose.yml");
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, { build?: unknown; image?: string; env_file?: unknown; environment?: Record<string, string>; healthcheck?: unknown }>;
};
const dockerfile = read("Dockerfile");
const known = new Set(Object.keys(configSchema.shape));

/** Compose interpolation as `docker compose` does it with nothing set: `${X:-default}` → default, `${X:?msg}` → a value. */
const interpolate = (value: string) =>
  value.replace(/\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g, (_m, _name, kind: string | undefined, rest: string | undefined) =>
    kind === "-" ? (rest ?? "") : "set-by-operator",
  );

const atlasServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

/** `.env.example` as an operator's `.env` after `cp .env.example .env`: the lines that set something. */
const envExample = read(".env.example");
const exampleValues = Object.fromEntries(
  [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, name, value]) => [name as string, (value as string).trim()]),
);
/** Every variable `.env.example` names, set or commented out (`# DATABASE_URL=...`). */
const exampleNames = new Set([...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map(([, name]) => name as string));

describe("docker-compose.yml matches the code's configuration", () => {
  it("runs two Atlas replicas on pgvector/pgvector:pg17 and redis:7", () => {
    expect(atlasServices.length).toBe(2);
    const images = Object.values(compose.services).map((service) => service.image);
    expect(images).toEqual(expect.arrayContaining(["pgvector/pgvector:pg17", "redis:7"]));
  });

  it("names only environment variables lib/config.ts reads, with values it accepts", () => {
    for (const [name, service] of atlasServices) {
      const environment = service.environment ?? {};
      expect(Object.keys(environment).length, name).toBeGreaterThan(5);
      const unknown = Object.keys(environment).filter((variable) => !known.has(variable));
      expect(unknown, `${name} sets variables lib/config.ts does not read`).toEqual([]);
      const resolved = Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, interpolate(String(value))]));
      const config = loadConfig(resolved);
      expect(config.HOST).toBe("0.0.0.0");
      expect(config.DATABASE_URL).toMatch(/^postgres:\/\/atlas:.*@postgres:5432\/atlas$/);
      expect(config.REDIS_URL).toBe("redis://redis:6379");
    }
  });
});

describe("docker-compose.yml passes every setting on", () => {
  it("reads .env into the Atlas containers as an optional env_file", () => {
    for (const [name, service] of atlasServices) {
      expect(service.env_file, name).toEqual([{ path: ".env", required: false }]);
    }
  });

  it("names no variable the code does not read, in environment: or in ${...} interpolation", () => {
    const atlasBlock = composeText.slice(composeText.indexOf("x-atlas:"), composeText.indexOf("\nservices:"));
    const interpolated = [...atlasBlock.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map(([, name]) => name as string);
    expect(interpolated.length).toBeGreaterThan(5);
    // POSTGRES_PASSWORD is compose's own: it builds DATABASE_URL and configures the postgres service
    expect(interpolated.filter((variable) => !known.has(variable) && variable !== "POSTGRES_PASSWORD")).toEqual([]);
    for (const [, service] of atlasServices) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const passOn = String(value).match(/^\$\{([A-Z][A-Z0-9_]*):-/)?.[1];
        if (passOn) expect(passOn, `${key} passes on another variable`).toBe(key);
      }
    }
  });

  it("does not change a default of lib/config.ts in the settings it passes on", () => {
    const defaults = loadConfig({}) as Record<string, unknown>;
    for (const [, service] of atlasServices) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const fallback = String(value).match(/^\$\{[A-Z][A-Z0-9_]*:-([^}]*)\}$/)?.[1];
        if (fallback === undefined || defaults[key] === undefined) continue;
        expect((loadConfig({ [key]: fallback }) as Record<string, unknown>)[key], key).toEqual(defaults[key]);
      }
    }
  });

  it(".env.example names every setting, so the env_file can carry the ones environment: does not list", () => {
    expect([...exampleNames].filter((variable) => !known.has(variable))).toEqual([]);
    expect([...known].filter((variable) => !exampleNames.has(variable))).toEqual([]);
    const listed = new Set(Object.keys(atlasServices[0]?.[1].environment ?? {}));
    expect([...known].filter((variable) => !listed.has(variable)).length).toBeGreaterThan(10);
  });

  it("a container started with .env copied from .env.example gets compose's own HOST, storage and Redis", () => {
    for (const [name, service] of atlasServices) {
      // compose: environment: wins over env_file for the same name
      const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]));
      const config = loadConfig({ ...exampleValues, ...environment });
      expect(config.HOST, name).toBe("0.0.0.0");
      expect(config.PORT).toBe(8787);
      expect(config.ATLAS_DATA_DIR).toBe("/data");
      expect(config.ATLAS_GITOPS_DIR).toBe("/gitops/repo");
      expect(config.DATABASE_URL).toMatch(/@postgres:5432\/atlas$/);
      expect(config.REDIS_URL).toBe("redis://redis:6379");
    }
  });
});

describe("Dockerfile", () => {
  // Node 20 is past end of life: issue 7 moves the image to the current LTS (the tooling here stays on 20)
  it("is multi-stage: production dependencies from the frozen lockfile, compiled code, node:24-slim runtime", () => {
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:24-slim/);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/pnpm fetch --prod/);
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile --prod/);
    // the image's build is the repository's one build: `pnpm build`, scripts/build.mjs on tsconfig.build.json
    expect(dockerfile).toMatch(/&& pnpm build$/m);
    expect(JSON.parse(read("package.json")).scripts.build).toBe("node scripts/build.mjs");
    expect(read("scripts/build-state.mjs")).toMatch(/join\(repoRoot, "tsconfig\.build\.json"\)/);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/app\/main\.js"\]/);
    const build = JSON.parse(read("tsconfig.build.json")) as { include: string[]; compilerOptions: { outDir: string } };
    expect(build.compilerOptions.outDir).toBe("dist");
    expect(build.include).toContain("app/**/*.ts");
    expect(build.include).toContain("server/**/*.ts");
  });

  it("links the compiled CLI entry as `atlas` on the PATH", () => {
    expect(read("scripts/build.mjs")).toMatch(/chmodSync\(join\(outDir, "app", "cli", "atlas\.js"\), 0o755\)/);
    expect(dockerfile).toMatch(/ln -s \/app\/dist\/app\/cli\/atlas\.js \/usr\/local\/bin\/atlas/);
    expect(read("app/cli/atlas.ts").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("runs as a non-root user, listens on 0.0.0.0:8787 and checks /healthz", () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("FROM "));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^EXPOSE 8787$/m);
    expect(runtime).toMatch(/HOST=0\.0\.0\.0/);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    for (const [, name] of runtime.matchAll(/^\s+([A-Z][A-Z0-9_]+)=/gm)) {
      if (name !== "NODE_ENV") expect(known, `ENV ${name}`).toContain(name);
    }
  });

  it(".dockerignore keeps secrets, local data and node_modules out of the build context", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining([".env", "node_modules", ".atlas", ".git"]));
  });
});
