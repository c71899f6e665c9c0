import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchema, loadConfig } from "../lib/config.js";
import { repoRoot } from "../test/helpers/tmp.js";

const read = (file: string) => readFileSync(join(repoRoot, file), "utf8");
const compose = parse(read("docker-compose.yml"), { merge: true }) as {
  services: Record<string, { build?: unknown; image?: string; environment?: Record<string, string>; healthcheck?: unknown }>;
};
const dockerfile = read("Dockerfile");
const known = new Set(Object.keys(configSchema.shape));

/** Compose interpolation as `docker compose` does it with nothing set: `${X:-default}` → default, `${X:?msg}` → a value. */
const interpolate = (value: string) =>
  value.replace(/\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g, (_m, _name, kind: string | undefined, rest: string | undefined) =>
    kind === "-" ? (rest ?? "") : "set-by-operator",
  );

const atlasServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

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

describe("Dockerfile", () => {
  it("is multi-stage: production dependencies from the frozen lockfile, compiled code, node:20-slim runtime", () => {
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:20-slim/);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/pnpm fetch --prod/);
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile --prod/);
    expect(dockerfile).toMatch(/tsc -p tsconfig\.build\.json/);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/app\/main\.js"\]/);
    const build = JSON.parse(read("tsconfig.build.json")) as { include: string[]; compilerOptions: { outDir: string } };
    expect(build.compilerOptions.outDir).toBe("dist");
    expect(build.include).toContain("app/**/*.ts");
    expect(build.include).toContain("server/**/*.ts");
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
    const ignored = read(".dockerignore").split("\n").map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining([".env", "node_modules", ".atlas", ".git"]));
  });
});
