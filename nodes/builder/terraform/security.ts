import type { BuildContext } from "../context.js";
import { type HclBlock, type HclBody, type HclExpr, type HclValue, ref } from "../hcl.js";
import { interfaceEndpoints } from "./endpoints.js";
import { DATABASE_COMPONENTS, engineFacts } from "./engines.js";
import type { TfSection } from "./shared.js";
import { vpcCidr, vpcId } from "./topology.js";

/** The security group the service's tasks or pods run in, as seen by the database and cache. */
export function serviceSecurityGroup(ctx: BuildContext): HclExpr {
  // EKS managed node groups put pods in the cluster security group EKS creates.
  return ctx.plan.compute.platform === "eks" ? ref("aws_eks_cluster.main.vpc_config[0].cluster_security_group_id") : ref("aws_security_group.service.id");
}

type Source = { cidr: HclValue } | { group: HclExpr };

/** The ports the plan's databases listen on (5432 PostgreSQL, 3306 MySQL), each once, with the engines using it. */
function databasePorts(ctx: BuildContext): { port: number; label: string }[] {
  const ports = new Map<number, string[]>();
  for (const db of ctx.plan.databases) {
    const facts = engineFacts(db);
    const labels = ports.get(facts.port) ?? [];
    if (!labels.includes(facts.label)) labels.push(facts.label);
    ports.set(facts.port, labels);
  }
  return [...ports.entries()].map(([port, labels]) => ({ port, label: labels.join(", ") }));
}

/**
 * security.tf: one security group per tier and one rule resource per permission, so tiers
 * can reference each other without a dependency cycle. Terraform removes the allow-all
 * egress AWS adds to new groups; every flow is listed here.
 */
export function renderSecurity(ctx: BuildContext): TfSection[] {
  if (!ctx.hasNetwork) return [];
  const { plan } = ctx;
  const blocks: HclBlock[] = [];
  const group = (name: string, owner: string, description: string) =>
    blocks.push(ctx.resource("aws_security_group", name, owner, { name: `${ctx.prefix}-${name}`, description, vpc_id: vpcId(ctx) }));
  const rule = (direction: "ingress" | "egress", name: string, owner: string, groupName: string, port: number, source: Source, description: string) => {
    const body: HclBody = {
      security_group_id: ref(`aws_security_group.${groupName}.id`),
      description,
      ip_protocol: "tcp",
      from_port: port,
      to_port: port,
      ...("cidr" in source ? { cidr_ipv4: source.cidr } : { referenced_security_group_id: source.group }),
    };
    blocks.push(ctx.resource(`aws_vpc_security_group_${direction}_rule`, name, owner, body));
  };
  const service = serviceSecurityGroup(ctx);
  const port = plan.compute.container_port;
  const ports = databasePorts(ctx);
  // One database port keeps the plain rule names; PostgreSQL and MySQL side by side get one rule each.
  const suffixed = (name: string, dbPort: number) => (ports.length > 1 ? `${name}_${dbPort}` : name);

  if (ctx.hasAlb) {
    const alb = ctx.component(["alb"]);
    // Internal load balancers accept traffic from inside the VPC only.
    const clients = plan.network.ingress.public ? "0.0.0.0/0" : vpcCidr(ctx);
    group("alb", alb, "Load balancer: HTTPS from clients, HTTP only to redirect");
    rule("ingress", "alb_https", alb, "alb", 443, { cidr: clients }, "HTTPS from clients");
    rule("ingress", "alb_http_redirect", alb, "alb", 80, { cidr: clients }, "HTTP, answered with a redirect to HTTPS");
    rule("egress", "alb_to_service", alb, "alb", port, { group: ref("aws_security_group.service.id") }, "To the service tasks");
  }
  if (plan.compute.platform === "ecs-fargate") {
    const owner = ctx.component(["ecs-service"]);
    group("service", owner, "Service tasks: traffic from the load balancer only");
    if (ctx.hasAlb) rule("ingress", "service_from_alb", owner, "service", port, { group: ref("aws_security_group.alb.id") }, "From the load balancer");
    // Image pulls, AWS APIs and Secrets Manager go out over HTTPS: through the NAT gateway,
    // VPC endpoints, or the internet gateway for tasks in public subnets.
    rule("egress", "service_https", owner, "service", 443, { cidr: "0.0.0.0/0" }, "HTTPS to AWS APIs and image registries");
    for (const { port, label } of ports)
      rule("egress", suffixed("service_to_database", port), owner, "service", port, { group: ref("aws_security_group.database.id") }, `To ${label}`);
    if (plan.caches.length > 0) rule("egress", "service_to_cache", owner, "service", 6379, { group: ref("aws_security_group.cache.id") }, "To Redis");
  }
  if (plan.databases.length > 0) {
    const owner = ctx.component(DATABASE_COMPONENTS);
    group("database", owner, `${ports.map((p) => p.label).join(", ")}: from the service only`);
    for (const { port, label } of ports)
      if (ctx.hasService) rule("ingress", suffixed("database_from_service", port), owner, "database", port, { group: service }, `${label} from the service`);
  }
  if (plan.caches.length > 0) {
    const owner = ctx.component(["elasticache-redis"]);
    group("cache", owner, "Redis: from the service only");
    if (ctx.hasService) rule("ingress", "cache_from_service", owner, "cache", 6379, { group: service }, "Redis from the service");
  }
  if (interfaceEndpoints(ctx).length > 0) {
    const owner = ctx.component(["vpc-endpoint", "vpc"]);
    group("endpoints", owner, "Interface VPC endpoints: HTTPS from inside the VPC");
    rule("ingress", "endpoints_https", owner, "endpoints", 443, { cidr: vpcCidr(ctx) }, "HTTPS from the VPC");
  }
  return [{ file: "security.tf", blocks }];
}
