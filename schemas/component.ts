import { z } from "zod";

/**
 * A component runtime definition, as the infrastructure-engineer specification (seed 002, "Component
 * Runtime Definition") writes it: the user's own container, ports, environment, replicas, probes
 * and resources, rendered verbatim by the builder. What the builder cannot render without is
 * required, and a missing or wrong field is a 400 naming its path (`goal.components[1].ports`),
 * never a silent default: the specification says the agent halts on missing input.
 */

/** Kubernetes resource quantities: CPU `250m` / `0.5` / `2`, memory `512Mi` / `1Gi` / `1000000`. */
const cpuQuantity = z.union([z.string().regex(/^(\d+m|\d+(\.\d{1,3})?)$/, 'a CPU quantity such as "250m" or "0.5"'), z.number().positive().max(512)]);
const memoryQuantity = z.string().regex(/^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'a memory quantity such as "512Mi" or "2Gi"');

const port = z.number().int().min(1).max(65_535);
/** An IANA service name or a port number, as Kubernetes probes accept. */
const portRef = z.union([port, z.string().regex(/^[a-z]([a-z0-9-]{0,13}[a-z0-9])?$/, "a port name (at most 15 characters) or number")]);

const probeTiming = {
  initial_delay_seconds: z.number().int().min(0).max(3600).optional(),
  period_seconds: z.number().int().min(1).max(3600).optional(),
  timeout_seconds: z.number().int().min(1).max(3600).optional(),
  failure_threshold: z.number().int().min(1).max(100).optional(),
};

/** One probe: exactly one of an HTTP GET, a gRPC health check or a TCP connect. */
export const probeSchema = z.union([
  z.object({ http_get: z.object({ path: z.string().regex(/^\//, "a path starting with /").max(1024), port: portRef }).strict(), ...probeTiming }).strict(),
  z.object({ grpc: z.object({ port, service: z.string().max(256).optional() }).strict(), ...probeTiming }).strict(),
  z.object({ tcp_socket: z.object({ port: portRef }).strict(), ...probeTiming }).strict(),
]);

/** An environment variable: a literal value, or a reference to a key of the component's secret (never a secret literal). */
export const envVarSchema = z.union([
  z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), value: z.string().max(32_768) }).strict(),
  z
    .object({
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"),
      secret_ref: z
        .object({
          key: z
            .string()
            .regex(/^[-._a-zA-Z0-9]+$/, "a secret key")
            .max(253),
        })
        .strict(),
    })
    .strict(),
]);

export const componentTypes = ["microservice", "worker", "job"] as const;

const portSchema = z
  .object({
    name: z.string().regex(/^[a-z]([a-z0-9-]{0,13}[a-z0-9])?$/, "a port name: at most 15 lower-case letters, digits and dashes"),
    /** the port the Service exposes */
    port,
    /** the container's port; defaults to `port` */
    target_port: port.optional(),
  })
  .strict();

/** What every kind of component has. */
const common = {
  /** as the specification writes it (`OrderService`); Kubernetes names are derived from it in kebab case */
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,49}$/, "a letter, then up to 49 letters, digits, - or _"),
  /** pinned: a tag other than `latest`, or a digest */
  container_image: z
    .string()
    .max(512)
    .regex(
      /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._/-][a-z0-9]+)*)*(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/,
      "an image reference with a tag or a digest",
    )
    .refine((image) => !/:latest$/.test(image), "a pinned image: a version tag or a digest, not :latest"),
  ports: z.array(portSchema).max(10).default([]),
  env: z.array(envVarSchema).max(200).default([]),
  /** for the environment the goal names; overlays scale the others (nodes/builder/environments.ts) */
  replicas: z.number().int().min(0).max(100).optional(),
  probes: z.object({ liveness: probeSchema.optional(), readiness: probeSchema.optional(), startup: probeSchema.optional() }).strict().optional(),
  resources: z
    .object({
      requests: z.object({ cpu: cpuQuantity, memory: memoryQuantity }).strict(),
      limits: z.object({ cpu: cpuQuantity.optional(), memory: memoryQuantity }).strict(),
    })
    .strict(),
  /** the specification's trace metadata: the use case or service the component realises, and its domain */
  blueprint_id: z.string().min(1).max(128).optional(),
  component_scope: z.string().min(1).max(128).optional(),
};

/**
 * One component, by `type`: a microservice has a transport and at least one port; a job has its
 * schedule (cron, five fields, UTC); a worker has neither. A discriminated union, so the JSON
 * Schema says what each type needs (clients and generators see it), not only the refinement.
 */
export const componentRuntimeSchema = z
  .discriminatedUnion("type", [
    z
      .object({
        ...common,
        type: z.literal("microservice"),
        transport: z.enum(["http", "grpc"], { error: "a microservice needs its transport: http or grpc" }),
        ports: z.array(portSchema, { error: "a microservice needs at least one port" }).min(1, "a microservice needs at least one port").max(10),
      })
      .strict(),
    z.object({ ...common, type: z.literal("worker") }).strict(),
    z.object({ ...common, type: z.literal("job"), schedule: z.string({ error: "a job needs its schedule (cron, UTC)" }).min(1).max(100) }).strict(),
  ])
  .superRefine((component, ctx) => {
    const names = new Set<string>();
    component.ports.forEach((one, index) => {
      if (names.has(one.name)) ctx.addIssue({ code: "custom", path: ["ports", index, "name"], message: `port name "${one.name}" is used twice` });
      names.add(one.name);
    });
  });

/** A component as code reads it: every type's fields, those of the other types absent. */
export type ComponentRuntime = z.infer<typeof componentRuntimeSchema> & { transport?: "http" | "grpc"; schedule?: string };

/** A design's components: several per design, their Kubernetes names (kebab case) unique. */
export const componentListSchema = z
  .array(componentRuntimeSchema)
  .min(1)
  .max(20)
  .superRefine((components, ctx) => {
    const seen = new Map<string, number>();
    components.forEach((component, index) => {
      const name = kubernetesName(component.name);
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `"${component.name}" gives the same Kubernetes name (${name}) as components[${first}]`,
        });
      }
      seen.set(name, index);
    });
  });

/** `OrderService` → `order-service`; `billing_worker` → `billing-worker`. */
export function kubernetesName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase()
    .replace(/-+/g, "-");
}
