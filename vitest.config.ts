import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", ".atlas/**"],
    // builds dist/ (incrementally) so that tests spawn compiled servers and CLIs, not tsx
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Embedded Postgres is WASM and CPU-heavy; two workers suit the 2-core machines.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
