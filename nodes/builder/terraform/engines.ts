import type { DatabaseEngine } from "../../../schemas/plan.js";
import type { BuildContext, ComponentKind } from "../context.js";
import { block, type HclExpr, ref } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { kmsArn } from "./shared.js";

type Database = BuildContext["plan"]["databases"][number];

/** What the Terraform of each engine differs in. */
export interface EngineFacts {
  /** `postgres`, `mysql`, `aurora-postgresql`, `aurora-mysql`: the RDS API's engine name */
  engine: DatabaseEngine;
  label: string;
  port: number;
  /** true for an Aurora cluster (aws_rds_cluster and its instances) */
  aurora: boolean;
  /** log types exported to CloudWatch Logs */
  logs: string[];
  /** parameters that refuse plain-text connections and log slow statements */
  parameters: { name: string; value: string }[];
  /** the plan component kind that stands for this engine */
  component: ComponentKind;
}

const POSTGRES_PARAMETERS = [
  { name: "rds.force_ssl", value: "1" },
  { name: "log_min_duration_statement", value: "1000" },
];
const MYSQL_PARAMETERS = [
  { name: "require_secure_transport", value: "1" },
  { name: "slow_query_log", value: "1" },
  { name: "long_query_time", value: "1" },
];

const FACTS: Record<DatabaseEngine, EngineFacts> = {
  postgres: {
    engine: "postgres",
    label: "PostgreSQL",
    port: 5432,
    aurora: false,
    logs: ["postgresql", "upgrade"],
    parameters: POSTGRES_PARAMETERS,
    component: "rds-postgres",
  },
  mysql: { engine: "mysql", label: "MySQL", port: 3306, aurora: false, logs: ["error", "slowquery"], parameters: MYSQL_PARAMETERS, component: "rds-mysql" },
  "aurora-postgresql": {
    engine: "aurora-postgresql",
    label: "Aurora PostgreSQL",
    port: 5432,
    aurora: true,
    logs: ["postgresql"],
    parameters: POSTGRES_PARAMETERS,
    component: "aurora-cluster",
  },
  "aurora-mysql": {
    engine: "aurora-mysql",
    label: "Aurora MySQL",
    port: 3306,
    aurora: true,
    logs: ["error", "slowquery"],
    parameters: MYSQL_PARAMETERS,
    component: "aurora-cluster",
  },
};

/** Component kinds a database may be planned as, for owners of shared resources (subnet group, security group). */
export const DATABASE_COMPONENTS: readonly ComponentKind[] = ["rds-postgres", "rds-mysql", "aurora-cluster"];

/** The facts for one database's engine. */
export function engineFacts(db: Database): EngineFacts {
  return FACTS[db.engine];
}

/**
 * The parameter group family for an engine version: `postgres16` (9.x keeps its minor,
 * `postgres9.6`), `mysql8.0`, `aurora-postgresql16`, `aurora-mysql8.0`. Aurora MySQL versions
 * read `8.0.mysql_aurora.3.08.0`; a bare Aurora version (`3.08.0`) maps 3.x to 8.0, 2.x to 5.7.
 */
export function parameterFamily(engine: DatabaseEngine, version: string): string {
  const [major = "", minor = "0"] = version.split(".");
  switch (engine) {
    case "postgres":
      return Number(major) >= 10 ? `postgres${major}` : `postgres${major}.${minor}`;
    case "aurora-postgresql":
      return `aurora-postgresql${major}`;
    case "mysql":
      return `mysql${major}.${minor}`;
    case "aurora-mysql":
      if (major === "3") return "aurora-mysql8.0";
      if (major === "2") return "aurora-mysql5.7";
      return `aurora-mysql${major}.${minor}`;
  }
}

/** Performance Insights is not offered on the smallest burstable classes. */
export function supportsPerformanceInsights(instanceClass: string): boolean {
  return !/\.(micro|small)$/.test(instanceClass);
}

/** Terraform address of what the service connects to: the RDS instance or the Aurora cluster. */
function address(db: Database): string {
  return `${engineFacts(db).aurora ? "aws_rds_cluster" : "aws_db_instance"}.${tfName(db.id)}`;
}

/** The writer's host name. */
export function databaseHost(db: Database): HclExpr {
  return ref(`${address(db)}.${engineFacts(db).aurora ? "endpoint" : "address"}`);
}

/** The ARN of the Secrets Manager secret RDS manages for the master user. */
export function databaseSecretArn(db: Database): HclExpr {
  return ref(`${address(db)}.master_user_secret[0].secret_arn`);
}

/** The database's ARN (IAM scopes may name it). */
export function databaseArn(db: Database): HclExpr {
  return ref(`${address(db)}.arn`);
}

/** The endpoint operators connect to, as `host:port` for an instance and the cluster (writer) endpoint for Aurora. */
export function databaseEndpoint(db: Database): HclExpr {
  return ref(`${address(db)}.endpoint`);
}

/** Number of Aurora instances: the writer plus one per read replica, and at least two when Multi-AZ. */
export function auroraInstanceCount(db: Database): number {
  return Math.max(1 + db.read_replicas, db.multi_az ? 2 : 1);
}

/** What an RDS instance and an Aurora cluster both start from: names, engine facts, owner, key, and the parameter group's content. */
export function databaseBasics(ctx: BuildContext, db: Database, index: number) {
  const facts = engineFacts(db);
  const identifier = awsName(63, ctx.prefix, db.id);
  return {
    name: tfName(db.id),
    facts,
    owner: ctx.component([facts.component, ...DATABASE_COMPONENTS], { id: db.id, index }),
    key: kmsArn(ctx),
    prod: ctx.plan.environment === "prod",
    insights: supportsPerformanceInsights(db.instance_class),
    identifier,
    parameters: {
      name: identifier,
      family: parameterFamily(db.engine, db.engine_version),
      description: `${db.id}: TLS required, slow statements logged`,
      parameter: facts.parameters.map((p) => block(p)),
    },
  };
}
