// The house's layering, checked by `pnpm lint` (dependency-cruiser) in CI.
//
// Layers from the top down. A module may import its own layer and any layer below it, never one
// above: the ground (`lib/`) imports nothing of Atlas, the wiring (`app/`) may import anything
// but the measuring harnesses. `graph/build.ts` composes the nodes; the nodes themselves stand
// on the graph's state and node dependencies (`graph/state.ts`, `graph/deps.ts`, ...). Tests
// stand outside the layers: an integration test may set up whatever it needs.
const LAYERS = [
  { name: "harness", path: "^(evals|bench)/" },
  { name: "app", path: "^app/" },
  { name: "server", path: "^server/" },
  { name: "runs", path: "^runs/" },
  { name: "graph", path: "^graph/build\\.ts$" },
  { name: "nodes", path: "^nodes/" },
  { name: "tools", path: "^tools/" },
  { name: "graph-contract", path: "^graph/(?!build\\.ts$)" },
  { name: "ingest", path: "^ingest/" },
  { name: "rag", path: "^rag/" },
  { name: "tenants", path: "^tenants/" },
  { name: "bus", path: "^bus/" },
  { name: "policies", path: "^policies/" },
  { name: "pricing", path: "^pricing/" },
  { name: "iac", path: "^iac/" },
  { name: "schemas", path: "^schemas/" },
  { name: "lib", path: "^lib/" },
];

const upward = LAYERS.flatMap((layer, index) =>
  index === 0
    ? []
    : [
        {
          name: `${layer.name}-imports-upward`,
          comment: `${layer.name} may not import a layer above it (${LAYERS.slice(0, index)
            .map((above) => above.name)
            .join(", ")})`,
          severity: "error",
          from: { path: layer.path, pathNot: "\\.test\\.ts$" },
          to: { path: LAYERS.slice(0, index).map((above) => above.path) },
        },
      ],
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "import cycles make start-up order and layering accidental",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "tests-stay-in-tests",
      comment: "production code never imports a test, a test helper or a fixture",
      severity: "error",
      from: { pathNot: ["\\.test\\.ts$", "^test/"] },
      to: { path: ["\\.test\\.ts$", "^test/"] },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^node_modules", "^dist/", "^\\.atlas/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
