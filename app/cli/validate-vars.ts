import { type ParseArgsConfig, parseArgs } from "node:util";
import { readVarFile } from "../../iac/var-file.js";

/**
 * The root module's variable values from `--var name=value` and `--var-file path`, merged in
 * command-line order as Terraform does (a later flag wins over an earlier one; both win over
 * terraform.tfvars and *.auto.tfvars). `argv` must already have passed `parseCli` with the same
 * `options`. Returns the usage error to print for a malformed `--var` or a var file that cannot
 * be read or parsed (the message names it).
 */
export async function commandLineVars(argv: string[], options: NonNullable<ParseArgsConfig["options"]>): Promise<Record<string, unknown> | string> {
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const parsed = parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true, tokens: true });
  // Only the tokens keep the order of the flags; their generic type is lost with a plain options object.
  const tokens = (parsed.tokens ?? []) as { kind: string; name?: string; value?: string | undefined }[];
  const vars: Record<string, unknown> = {};
  for (const token of tokens) {
    if (token.kind !== "option" || token.value === undefined) continue;
    if (token.name === "var") {
      const at = token.value.indexOf("=");
      if (at <= 0) return `--var wants name=value, got "${token.value}"`;
      vars[token.value.slice(0, at)] = token.value.slice(at + 1);
    } else if (token.name === "var-file") {
      const file = await readVarFile(token.value);
      if (!file.ok) return file.message;
      Object.assign(vars, file.values);
    }
  }
  return vars;
}
