/**
 * Word classes of the constraint reader. Kept apart from the logic so that what counts as a
 * negation, a hedge or a command can be read (and argued with) in one place.
 */
const set = (words: string): ReadonlySet<string> => new Set(words.split(" "));

/** Words that carry no meaning of their own between a term and what is said about it. */
export const GLUE = set(
  "a an the any all our my your their its this that these those some is are be being been was were will would shall should must can could may might do does did to " +
    "strictly completely totally absolutely also still really ever here : - ( ) / & + \" ' " +
    "cluster clusters instance instances node nodes capacity engine engines database databases db dbs gateway gateways service services compute processor processors " +
    "cpu cpus architecture arch based region regions family families type types workload workloads container containers task tasks server servers machine machines " +
    "managed amazon aws rds ec2 chips cores on in into onto for with at",
);

/** Joins items of one list ("Aurora and Postgres", "subnet-a, subnet-b"). */
export const CONNECTORS = set("and or nor & / + , as well");

/** Words that rule out what follows them. */
/** ("nothing" only when not before "but": "nothing but Postgres" asks for Postgres.) */
export const NEGATORS = set(
  "no not never without avoid avoids avoiding exclude excluding except nor neither none nothing zero disable disallow ban forbid prohibit outside against",
);
/** Two-word negators: "anything but Postgres", "instead of NAT". */
export const NEGATOR_PAIRS: readonly (readonly [string, string])[] = [
  ["anything", "but"],
  ["everything", "but"],
  ["other", "than"],
  ["instead", "of"],
  ["rather", "than"],
  ["away", "from"],
];
/** "no more than 2 AZs" is a bound, not a negation. */
export const COMPARATIVES = set("more less fewer later longer");

/** Verbs that start a new statement: "no NAT use VPC endpoints" — endpoints are not negated. */
export const RESETS = set(
  "use uses using prefer prefers preferring choose run runs running deploy deploying want wants need needs keep rely put add enable go stick adopt move migrate switch host build have has require requires instead create provision with",
);

/** After a negation these make it unclear what is ruled out: "not only Kubernetes". */
export const AMBIGUOUS_AFTER_NOT = set("only just necessarily exclusively always all every entirely fully merely solely simply sure");
/** After a negation these weaken instead of forbidding: "Kubernetes is not required". */
/** ("have"/"has" weaken only before "to": "don't have to use k8s", not "must not have public endpoints".) */
export const WEAKENERS = set("need needs needed require requires required necessary mandatory essential");
/** Verbs of leaving, which a negation turns into staying: "data must not leave the EU". */
export const INVERTERS = set("leave leaves leaving exit exits");

/** After "not": the thing is ruled out ("is not allowed", "not an option", "must not be used"). */
export const PROHIBITED_AFTER_NOT = set(
  "allowed permitted acceptable ok okay option welcome supported approved used wanted possible tolerated accepted desired desirable appropriate use fine good",
);
/** On their own: the thing is ruled out ("k8s is banned", "Kubernetes: forbidden"). */
export const PROHIBITED = set("forbidden banned prohibited disallowed unacceptable unsupported excluded verboten off-limits off out no-go none");
/** The thing is permitted, not required ("Spot is fine", "single AZ is acceptable"). */
export const PERMITTED = set("allowed permitted acceptable fine ok okay tolerated accepted option good welcome");
/** The thing is asked for ("k8s required", "Aurora PostgreSQL only"). */
export const REQUIRED = set("required mandatory mandated needed necessary essential preferred only recommended expected enforced");

/** Hedges: the wish is soft. Ignored right after "not" ("not ok" is a prohibition). */
export const SOFT_WORDS = set(
  "prefer prefers preferred preferably preferable ideally acceptable fine ok okay should could can may allowed permitted optional tolerated consider recommended",
);
export const SOFT_PAIRS: readonly (readonly [string, string])[] = [
  ["would", "like"],
  ["nice", "to"],
  ["if", "possible"],
  ["where", "possible"],
  ["when", "possible"],
  ["if", "feasible"],
  ["good", "enough"],
];
/** Commands: the wish is hard. */
export const HARD_WORDS = set(
  "must required require requires requirement only never forbidden mandated mandatory policy banned prohibited disallowed shall strictly always compliance",
);
export const HARD_PAIRS: readonly (readonly [string, string])[] = [
  ["can", "not"],
  ["not", "allowed"],
  ["not", "permitted"],
  ["have", "to"],
  ["has", "to"],
  ["need", "to"],
  ["needs", "to"],
];

/** Words that show a sentence states a wish at all; a term without one ("the team knows Postgres") is not read. */
export const POSITIVE_CUES = set(
  "use uses using used run runs running deploy deployed deploying host hosted hosting build built onto into via want wants need needs stay stays remain remains " +
    "keep kept reside resides choose pick adopt standardise standardize standardised standardized standard enable enabled add have with behind enforce enforced " +
    "apply put go stick target leverage rely move migrate switch instead rather residency resident sovereignty region regions within inside across spread span turn has through route routed " +
    "reuse re-use reusing please",
);

/** After a term, these show it is asked for: "VPC endpoints instead", "WAF in front of the ALB". */
export const AFTER_CUES = set("instead rather preferably ideally front everywhere throughout enabled please");

/** Clause boundaries: punctuation and the words that start a contrasting statement. */
export const CLAUSE_MARKS = set("; . ! ?");
export const CLAUSE_WORDS = set("but however whereas while although though so");
/** "anything but Postgres" is one negation, not two clauses. */
export const BUT_KEEPERS = set("anything everything nothing all none");
