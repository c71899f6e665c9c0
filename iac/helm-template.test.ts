import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HelmTemplateError, mergeValues, printValue, renderChart, truthy, withoutHelmBookkeeping } from "./helm-template.js";

const chart = { Name: "demo", Version: "0.1.0+plan.2", AppVersion: "1.2.3" };
const release = { Name: "demo", Namespace: "demo-dev" };

/** Renders one template (plus optional helpers) and returns its text. */
function render(template: string, values: Record<string, unknown> = {}, helpers = ""): string {
  const out = renderChart({ chart, release, values, templates: { "templates/t.yaml": template, "templates/_helpers.tpl": helpers } });
  return out.get("templates/t.yaml") ?? "";
}

describe("helm-template (renderer of a Go template subset)", () => {
  it("prints values, release and chart fields; a missing value prints as empty", () => {
    expect(render("a: {{ .Values.x.y }} {{ .Release.Namespace }} {{ .Chart.Name }} [{{ .Values.nope }}]", { x: { y: 7 } })).toBe("a: 7 demo-dev demo []");
  });

  it("trims whitespace on the marked side only", () => {
    expect(render("a:\n  {{- .Values.v }}\nb: {{ .Values.v -}}\n  c", { v: "x" })).toBe("a:x\nb: xc");
  });

  it("if / else if / else follow Go's truth (0, empty string, empty list and map are false)", () => {
    const t = "{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}";
    expect(render(t, { a: 1 })).toBe("A");
    expect(render(t, { a: 0, b: [1] })).toBe("B");
    expect(render(t, { a: "", b: {} })).toBe("C");
    expect(render("{{ if not .Values.a }}off{{ end }}", { a: false })).toBe("off");
  });

  it("range walks lists in order and maps in key order, binding $k and $v; with rebinds the dot", () => {
    expect(render("{{ range .Values.l }}[{{ . }}]{{ end }}", { l: ["x", "y"] })).toBe("[x][y]");
    expect(render("{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}", { m: { b: 2, a: 1 } })).toBe("a=1;b=2;");
    expect(render("{{ with .Values.m }}{{ .a }}{{ else }}none{{ end }}", { m: { a: 5 } })).toBe("5");
    expect(render("{{ with .Values.m }}{{ .a }}{{ else }}none{{ end }}", { m: {} })).toBe("none");
  });

  it("include renders a define with the given dot, and $ inside it is that dot", () => {
    const helpers = '{{- define "demo.name" -}}{{ .Chart.Name }}-{{ $.Release.Name }}{{- end -}}';
    expect(render('n: {{ include "demo.name" . }}', {}, helpers)).toBe("n: demo-demo");
    expect(render('n: {{ include "demo.name" . | trunc 3 | quote }}', {}, helpers)).toBe('n: "dem"');
  });

  it("toYaml sorts keys and drops the final newline; nindent and indent pad every line", () => {
    expect(render("r:\n  {{- toYaml .Values.r | nindent 2 }}", { r: { b: 1, a: { c: "x" } } })).toBe("r:\n  a:\n    c: x\n  b: 1");
    expect(render("{{ indent 2 .Values.s }}", { s: "a\nb" })).toBe("  a\n  b");
  });

  it("quote, default, trunc, trimSuffix, contains, replace, printf and print behave as Sprig's", () => {
    expect(render('{{ .Values.n | quote }} {{ default "d" .Values.e }} {{ default "d" .Values.s }}', { n: 0.2, e: "", s: "set" })).toBe('"0.2" d set');
    expect(render('{{ "abcdef-" | trunc 7 | trimSuffix "-" }} {{ contains "b" "abc" }} {{ "a+b" | replace "+" "_" }}')).toBe("abcdef true a_b");
    expect(render('{{ printf "%s-%s" .Release.Name "x" }} {{ print "a" "b" }} {{ $n := "v" }}{{ $n }}')).toBe("demo-x ab v");
  });

  it("required fails the render when the value is empty", () => {
    expect(() => render('{{ required "need x" .Values.x }}')).toThrow(/need x/);
    expect(render('{{ required "need x" .Values.x }}', { x: "ok" })).toBe("ok");
  });

  it("refuses what is outside its subset instead of rendering it wrongly", () => {
    expect(() => render("{{ .Values.x | upper }}", { x: "a" })).toThrow(/outside the renderer.s subset/);
    expect(() => render('{{ template "x" . }}')).toThrow(/outside the renderer.s subset/);
    expect(() => render("{{ if .Values.x }}open")).toThrow(/missing \{\{ end \}\}/);
    expect(() => render("{{ .Values.m }}", { m: { a: 1 } })).toThrow(/toYaml/);
  });

  it("leaves out templates that render to whitespace and files starting with _", () => {
    const out = renderChart({
      chart,
      release,
      values: { on: false },
      templates: { "templates/off.yaml": "{{- if .Values.on }}\nkind: X\n{{- end }}\n", "templates/_h.tpl": "text" },
    });
    expect([...out.keys()]).toEqual([]);
  });

  it("include of a template file by path, as checksum annotations use it, hashes that file's output", () => {
    const out = renderChart({
      chart,
      release,
      values: { v: "1" },
      templates: { "templates/a.yaml": "v: {{ .Values.v }}", "templates/b.yaml": 'sum: {{ include (print $.Template.BasePath "/a.yaml") . | sha256sum }}' },
    });
    expect(out.get("templates/b.yaml")).toBe(`sum: ${createHash("sha256").update("v: 1").digest("hex")}`);
  });

  it("truthy, printValue and mergeValues follow Go and Helm", () => {
    expect([0, "", [], {}, null, undefined, false].map(truthy)).toEqual([false, false, false, false, false, false, false]);
    expect(printValue(1)).toBe("1");
    expect(mergeValues({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: 3 }, l: [9] })).toEqual({ a: { b: 1, c: 3 }, l: [9] });
  });
});

describe("helm-template: what the validator relies on", () => {
  it("refuses lookup, tpl and unknown built-in objects, naming the construct and the template", () => {
    const attempt = (template: string) => () => renderChart({ chart, release, values: { x: "a" }, templates: { "templates/t.yaml": template } });
    expect(attempt('{{ lookup "v1" "Secret" "ns" "s" }}')).toThrow('templates/t.yaml: function "lookup" is outside the renderer\'s subset');
    expect(attempt("{{ tpl .Values.x . }}")).toThrow(/function "tpl" is outside/);
    expect(attempt('{{ .Files.Get "config.ini" }}')).toThrow(/calling \.Files\.Get with arguments .* is outside the renderer's subset/);
    expect(attempt("{{ .Files }}")).toThrow(/built-in \.Files is outside/);
    expect(attempt("{{ .Capabilities.KubeVersion.Version }}")).toThrow(/built-in \.KubeVersion is outside/);
    expect(attempt("{{ .Chart.Description }}")).toThrow(/built-in \.Description is outside/);
    expect(attempt("{{ .Values.x | upper }}")).toThrow(HelmTemplateError);
    expect(attempt("{{ .Values.x | upper }}")).toThrow(
      expect.objectContaining({ template: "templates/t.yaml", reason: 'function "upper" is outside the renderer\'s subset' }),
    );
  });

  it("does not output NOTES.txt", () => {
    const out = renderChart({ chart, release, values: {}, templates: { "templates/NOTES.txt": "Installed {{ .Release.Name }}", "templates/a.yaml": "a: 1" } });
    expect([...out.keys()]).toEqual(["templates/a.yaml"]);
  });

  it("withoutHelmBookkeeping drops Helm's labels and the config checksum, and keeps the rest", () => {
    const rendered = {
      kind: "Deployment",
      metadata: { name: "x", labels: { app: "x", "helm.sh/chart": "x-0.1.0", "app.kubernetes.io/instance": "x", "app.kubernetes.io/version": "1" } },
      spec: { template: { metadata: { annotations: { "checksum/config": "abc" }, labels: { app: "x" } } } },
    };
    expect(withoutHelmBookkeeping(rendered)).toEqual({
      kind: "Deployment",
      metadata: { name: "x", labels: { app: "x" } },
      spec: { template: { metadata: { labels: { app: "x" } } } },
    });
    expect(rendered.metadata.labels["helm.sh/chart"]).toBe("x-0.1.0");
  });
});
