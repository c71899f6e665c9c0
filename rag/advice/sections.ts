/**
 * What part of a runbook a chunk is, judged from its headings: the fix, the diagnosis, the
 * background (symptoms, meaning) or an aside (prevention, links). Extractive answers use it to
 * quote the part that helps: a question's words often match the symptoms best (the error text
 * is written there), while the answer the reader needs is in the diagnosis or the resolution.
 */
export type SectionKind = "resolution" | "diagnosis" | "background" | "aside" | "other";

/**
 * Heading vocabulary per kind, tried in this order so that a heading naming two kinds
 * ("Diagnosis (when the alert fires)", "Resolution: setting up the alerts") takes the one
 * that says what to do. Whole words only: "checklist" is not "check".
 */
const VOCABULARY: [SectionKind, RegExp][] = [
  [
    "resolution",
    /\b(resolution|resolve|fix(es|ing)?|mitigation|mitigate|remediation|remediate|workarounds?|recovery|recover|procedures?|steps|how to|runbook steps)\b/i,
  ],
  ["diagnosis", /\b(diagnosis|diagnose|diagnostics?|investigat(e|ion|ing)|troubleshoot(ing)?|checks?|verify|verification|triage)\b/i],
  ["background", /\b(symptoms?|impact|meaning|alerts?|overview|background|context|summary|when to use|description|triggers?|definitions?|about)\b/i],
  ["aside", /\b(prevention|prevent|related|references?|see also|further reading|history|additional resources|notes?)\b/i],
];

/**
 * How much a kind is worth in an answer. A reader who asks a runbook wants what to do
 * (resolution), then how to find out (diagnosis); unclassified sections (escalation, design
 * guidance, worked examples) may still help; background mostly restates the question; asides
 * (prevention, links) are for after the incident.
 */
export const SECTION_WEIGHT: Readonly<Record<SectionKind, number>> = {
  resolution: 1,
  diagnosis: 0.8,
  other: 0.55,
  background: 0.35,
  aside: 0.15,
};

/** Added to a chunk that reads as a procedure (numbered steps, shell commands): it is something to do. */
export const PROCEDURAL_BONUS = 0.15;

/** The kind one heading names, or null when its words name none. */
export function headingKind(heading: string): SectionKind | null {
  for (const [kind, pattern] of VOCABULARY) if (pattern.test(heading)) return kind;
  return null;
}

/** A bold label opening a chunk's text ("**When to use:** ..." under the title), which names an untitled intro. */
function leadLabel(content: string): string | null {
  const body = content.replace(/^(\s*#[^\n]*\n|\s*\n)*/, "");
  const match = /^\s*\*\*([^*]{1,40}?):?\*\*/.exec(body);
  return match ? (match[1] as string) : null;
}

/**
 * The kind of a chunk: its deepest heading that classifies ("4. OOMKilled vs probe kill"
 * under "Diagnosis" is diagnosis). The first heading, usually the document title, is tried
 * last, after a bold lead label in the content: a title such as "DNS Resolution Failures"
 * names the topic, not the part, so the untitled intro below it is judged by its label.
 */
export function sectionKind(headingPath: readonly string[], content = ""): SectionKind {
  for (let i = headingPath.length - 1; i >= 1; i--) {
    const kind = headingKind(headingPath[i] as string);
    if (kind) return kind;
  }
  const label = leadLabel(content);
  const labelled = label ? headingKind(label) : null;
  if (labelled) return labelled;
  const first = headingPath[0];
  return (first !== undefined && headingKind(first)) || "other";
}

const NUMBERED_STEP = /^\s{0,3}\d+[.)]\s+\S/gm;
/** Fences of shell or query languages: commands a reader runs. */
const COMMAND_FENCE = /^\s*(```|~~~)\s*(bash|sh|shell|zsh|console|powershell|ps1|sql|psql)\b/im;

/** Whether a chunk reads as a procedure: at least two numbered steps, or a shell or SQL block. */
export function isProcedural(content: string): boolean {
  return (content.match(NUMBERED_STEP)?.length ?? 0) >= 2 || COMMAND_FENCE.test(content);
}

/** A chunk's weight in an answer: its kind's weight, raised a little when it reads as a procedure. */
export function sectionWeight(headingPath: readonly string[], content: string): number {
  const base = SECTION_WEIGHT[sectionKind(headingPath, content)];
  return Math.min(SECTION_WEIGHT.resolution, base + (isProcedural(content) ? PROCEDURAL_BONUS : 0));
}

/** "What does X mean", "what is X", "meaning of", "define": the reader wants an explanation, not a fix. */
const MEANING_QUESTION = /\b(what\s+(does|do|is|are)\b.*\bmean|what\s+(is|are)\s|meaning\s+of|define|definition\s+of|explain)\b/i;

export function asksForMeaning(question: string): boolean {
  return MEANING_QUESTION.test(question);
}

/**
 * A chunk's weight for one question. A question about what something means is answered by
 * the explanation, which runbooks keep in their background (Meaning, definitions, Symptoms):
 * for such a question background counts as much as diagnosis.
 */
export function weightFor(question: string, headingPath: readonly string[], content: string): number {
  const weight = sectionWeight(headingPath, content);
  const meaning = asksForMeaning(question) && sectionKind(headingPath, content) === "background";
  return meaning ? Math.max(weight, SECTION_WEIGHT.diagnosis) : weight;
}
