import type { ValidationReport } from "./engine.js";
import { type Rule, SEVERITIES, type Severity } from "./types.js";

/** Rule ids plus at most three aliases, so the table stays readable; JSON carries all of them. */
function ruleLabel(id: string, aliases: string[]): string {
  if (aliases.length === 0) return id;
  const shown = aliases.slice(0, 3).join(", ");
  return `${id} (${shown}${aliases.length > 3 ? `, +${aliases.length - 3}` : ""})`;
}

/** Left-aligned columns; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** The human-readable report: a status line, a findings table and skipped files. */
export function formatReport(report: ValidationReport, failOn: Severity, fileCount: number): string {
  const counts = SEVERITIES.map((s) => `${s} ${report.summary[s]}`).join(", ");
  const lines = [`${report.status}  ${report.summary.total} finding(s) (${counts}) in ${fileCount} file(s); fails on ${failOn} or above`];
  if (report.findings.length > 0) {
    lines.push(
      "",
      table(
        ["SEVERITY", "RULE", "LOCATION", "RESOURCE", "MESSAGE"],
        report.findings.map((f) => [f.severity, ruleLabel(f.rule_id, f.aliases), `${f.file}${f.line === null ? "" : `:${f.line}`}`, f.resource, f.message]),
      ),
    );
  }
  if (report.skipped.length > 0) {
    lines.push("", "Skipped:", ...report.skipped.map((s) => `  ${s.file}: ${s.reason}`));
  }
  return `${lines.join("\n")}\n`;
}

/** The JSON report: everything a machine needs, without the parsed resources themselves. */
export function reportJson(report: ValidationReport, extra: Record<string, unknown>): string {
  const { status, summary, findings, skipped } = report;
  const scanned = { terraform_resources: report.resources.length, kubernetes_objects: report.objects.length };
  return `${JSON.stringify({ status, summary, ...extra, scanned, findings, skipped }, null, 2)}\n`;
}

/** The rule catalogue, as a table or JSON. */
export function formatRules(rules: { rule: Rule; severity: Severity }[], json: boolean): string {
  const entries = rules.map(({ rule, severity }) => ({ id: rule.id, title: rule.title, severity, target: rule.target, aliases: rule.aliases }));
  if (json) return `${JSON.stringify(entries, null, 2)}\n`;
  const rows = entries.map((e) => [e.id, e.severity, e.target, e.title, e.aliases.join(", ") || "-"]);
  return `${table(["ID", "SEVERITY", "TARGET", "TITLE", "ALIASES"], rows)}\n\n${entries.length} rules\n`;
}
