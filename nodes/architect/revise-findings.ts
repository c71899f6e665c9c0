import type { PlanSpec } from "../../schemas/plan.js";
import type { Finding } from "../../schemas/reports.js";
import type { DesignOverrides } from "./design.js";

type Risk = PlanSpec["risks"][number];

/** What the validator's findings ask of the next version. */
export interface FindingActions {
  overrides: DesignOverrides;
  notes: string[];
  /** Findings the plan cannot fix by itself, carried as risks for the builder and reviewer. */
  risks: Risk[];
  /** COST_BUDGET_EXCEEDED was reported; `validatorTotalUsd` is the figure it quoted, if any. */
  cost: { exceeded: boolean; validatorTotalUsd?: number };
}

/** Applies one rule's hardening to the overrides and says what changed; `resource` may be "". */
type Handler = (o: DesignOverrides, resource: string) => string;

const toCustomerKey: Handler = (o, resource) => {
  o.customerManagedKey = true;
  return `encrypt ${resource || "data at rest"} with the customer-managed KMS key`;
};

/** Design changes per validator rule; rules not listed become risks with their remediation. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  AWS_RDS_MULTI_AZ_PROD: (o) => {
    o.dbMultiAz = true;
    o.pins = [...new Set([...(o.pins ?? []), "single-az-db" as const])];
    return "database made Multi-AZ (budget fitting may not undo it)";
  },
  AWS_RDS_DELETION_PROTECTION_PROD: (o) => {
    o.deletionProtection = true;
    return "deletion protection on the database";
  },
  AWS_RDS_BACKUP_RETENTION: (o) => {
    o.minBackupDays = Math.max(o.minBackupDays ?? 0, 7);
    return "backup retention raised to at least 7 days with point-in-time recovery";
  },
  AWS_RDS_ENCRYPTION: toCustomerKey,
  AWS_S3_ENCRYPTION: toCustomerKey,
  AWS_EBS_ENCRYPTION: toCustomerKey,
  AWS_ELASTICACHE_AT_REST_ENCRYPTION: toCustomerKey,
  AWS_KMS_KEY_ROTATION: toCustomerKey,
  AWS_EKS_SECRETS_ENCRYPTION: toCustomerKey,
};

const MONEY = /\$([\d,]+(?:\.\d+)?)/;

function riskId(ruleId: string): string {
  return `finding-${ruleId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")}`;
}

/**
 * Turns validator findings into the next version's changes: cost findings ask for more
 * downsizing; security findings harden the component they name (customer-managed keys,
 * Multi-AZ, deletion protection, backups); anything the plan already requires or cannot
 * express is carried as a risk so the builder sees the remediation.
 */
export function actOnFindings(findings: readonly Finding[], carriedRules: readonly string[] = []): FindingActions {
  const overrides: DesignOverrides = {};
  const notes: string[] = [];
  for (const rule of [...carriedRules].sort()) {
    const handler = Object.hasOwn(HANDLERS, rule) ? HANDLERS[rule] : undefined;
    if (handler && !findings.some((f) => f.rule_id === rule)) notes.push(`finding ${rule} (carried): ${handler(overrides, "")}`);
  }
  const risks = new Map<string, Risk>();
  const cost: FindingActions["cost"] = { exceeded: false };
  const sorted = [...findings].sort((a, b) => (a.rule_id + a.resource < b.rule_id + b.resource ? -1 : a.rule_id + a.resource > b.rule_id + b.resource ? 1 : 0));
  for (const f of sorted) {
    const where = f.resource && f.resource !== "*" ? ` on ${f.resource}` : "";
    if (f.rule_id === "COST_BUDGET_EXCEEDED") {
      cost.exceeded = true;
      const quoted = f.message.match(MONEY)?.[1];
      if (quoted && cost.validatorTotalUsd === undefined) cost.validatorTotalUsd = Number(quoted.replaceAll(",", ""));
      notes.push(`finding COST_BUDGET_EXCEEDED: ${f.message} → downsize further`);
      continue;
    }
    if (f.rule_id === "COST_BUDGET_WARN") {
      notes.push(`finding COST_BUDGET_WARN: ${f.message} → kept (within the cap)`);
      continue;
    }
    const handler = Object.hasOwn(HANDLERS, f.rule_id) ? HANDLERS[f.rule_id] : undefined;
    if (handler) {
      notes.push(`finding ${f.rule_id}${where}: ${handler(overrides, f.resource === "*" ? "" : f.resource)}`);
      continue;
    }
    notes.push(`finding ${f.rule_id}${where}: plan requirement restated for the builder (${f.remediation})`);
    const id = riskId(f.rule_id);
    if (!risks.has(id)) {
      risks.set(id, { id, title: `Validator: ${f.message}`, severity: f.severity, mitigation: f.remediation });
    }
  }
  return { overrides, notes, risks: [...risks.values()], cost };
}

/** Merges finding overrides with comment overrides; the reviewer's word wins, pins add up. */
export function mergeOverrides(fromFindings: DesignOverrides, fromComments: DesignOverrides): DesignOverrides {
  const pins = [...new Set([...(fromFindings.pins ?? []), ...(fromComments.pins ?? [])])].sort();
  return { ...fromFindings, ...fromComments, pins };
}
