import { describe, expect, it } from "vitest";
import type { PlanComponent } from "../../schemas/plan.js";
import { escapeLabel, nodeId, renderDiagram } from "./diagram.js";

function component(id: string, kind: PlanComponent["kind"], depends_on: string[] = [], size: string | null = null): PlanComponent {
  return { id, kind, role: id, size, count: 1, optional: false, depends_on, monthly_usd: 0 };
}

const components = [
  component("vpc", "vpc"),
  component("db", "rds-postgres", ["vpc", "kms"], "db.t4g.micro"),
  component("app", "ecs-service", ["db", "vpc"], "0.25 vCPU / 512 MiB"),
  component("alb", "alb", ["app", "vpc"]),
  component("kms", "kms-key"),
];

describe("renderDiagram", () => {
  it("draws a flowchart LR with one node per component and one edge per dependency", () => {
    const text = renderDiagram(components, "alb-public");
    const lines = text.split("\n");
    expect(lines[0]).toBe("flowchart LR");
    expect(lines).toContain('  c_db[("db<br/>RDS Postgres db.t4g.micro")]');
    expect(lines).toContain("  src_users --> c_alb");
    expect(lines).toContain("  c_alb --> c_app");
    expect(lines).toContain("  c_app --> c_db");
    expect(lines).toContain("  c_db -.-> c_kms");
    expect(lines).toContain("  c_app -.-> c_vpc");
    const edges = lines.filter((l) => /^ {2}c_\w+ (-->|-\.->) c_\w+$/.test(l));
    expect(edges).toHaveLength(components.reduce((n, c) => n + c.depends_on.length, 0));
  });

  it("is independent of input order", () => {
    expect(renderDiagram([...components].reverse(), "alb-public")).toBe(renderDiagram(components, "alb-public"));
  });

  it("escapes labels and makes safe ids", () => {
    expect(nodeId("queue-dlq")).toBe("c_queue_dlq");
    expect(escapeLabel('a "b" <c> & #d')).toBe("a #quot;b#quot; #lt;c#gt; #amp; #35;d");
    const text = renderDiagram([component("cdn", "cloudfront", [], 'edge "global"')], "cloudfront");
    expect(text).toContain('c_cdn["cdn<br/>CloudFront edge #quot;global#quot;"]');
  });
});
