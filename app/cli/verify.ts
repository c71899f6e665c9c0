import type { KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAtlasError } from "../../lib/errors.js";
import { type CliIo, isMain, parseCli, processIo, runMain } from "./args.js";

const usage = (command: string) => `Usage:
  ${command} <dir> [--public-key <file> ...] [--json]

Checks a folder of Atlas artifacts (a committed plans/<tenant>/<plan_id>/ folder, or an unpacked
artifacts.tar.gz) against its ATLAS-SIGNATURE.json: every file under <dir> but ATLAS-SIGNATURE.json
and MANIFEST.json is hashed as the builder hashes it, their digest must be the one signed, and the
Ed25519 signature must hold with a trusted key. Trusted: each --public-key (a PEM public key, or a
private key's public part), else the public part of ATLAS_SIGNING_KEY_FILE (default
$ATLAS_DATA_DIR/signing-key.pem). A verifier without the private key passes --public-key.
Exit codes: 0 verified, 1 not verified (what failed, with changed, added and removed files named),
2 usage or input error.
`;

const options = {
  "public-key": { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

/** A usage or input problem: printed, exit 2. */
class InputError extends Error {}

/** The keys to trust: the --public-key files, else the public part of the deployment's signing key (never created here). */
async function trustedKeys(files: readonly string[], env: NodeJS.ProcessEnv): Promise<KeyObject[]> {
  const { publicKeyFromPem } = await import("../../lib/signing.js");
  const read = async (file: string, what: string) => {
    const text = await readFile(file, "utf8").catch(() => null);
    if (text === null) throw new InputError(`Cannot read ${what} ${file}`);
    return publicKeyFromPem(text, `${what} ${file}`);
  };
  if (files.length) return Promise.all(files.map((file) => read(file, "public key")));
  const { loadConfig } = await import("../../lib/config.js");
  let keyFile: string;
  try {
    keyFile = loadConfig(env).signingKeyFile;
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  return [await read(keyFile, "signing key (ATLAS_SIGNING_KEY_FILE; pass --public-key to verify without it)")];
}

/** Runs `verify` with `argv` (without node and script) on `io`, reading `env`; returns the exit code. */
export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv, command = "pnpm verify"): Promise<number> {
  const args = parseCli(argv, { usage: usage(command), options, minPositionals: 1, maxPositionals: 1 }, io);
  if (typeof args === "number") return args;
  const dir = args.positionals[0] as string;
  const { verifyFolder } = await import("../../nodes/builder/verify.js");
  let check: Awaited<ReturnType<typeof verifyFolder>>;
  try {
    check = await verifyFolder(dir, { trusted: await trustedKeys(args.values["public-key"] ?? [], env) });
  } catch (error) {
    if (error instanceof InputError || isAtlasError(error)) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (args.values.json) {
    io.stdout(`${JSON.stringify({ verified: check.ok, dir, ...check }, null, 2)}\n`);
  } else if (check.ok) {
    io.stdout(`verified: ${check.files} files, digest ${check.digest}, key ${check.key_id}\n`);
  } else {
    io.stdout(`NOT verified: ${dir}\n${check.problems.map((problem) => `  - ${problem}\n`).join("")}`);
  }
  return check.ok ? 0 : 1;
}

/** `atlas verify`: the same CLI on the process's streams and environment. */
export async function main(argv: string[], command = "pnpm verify"): Promise<number> {
  const { processEnv } = await import("../../lib/config.js");
  return runCli(argv, processIo, processEnv(), command);
}

// 2, not 1: exit 1 means "not verified" to scripts
if (isMain(import.meta.url)) runMain(main, 2);
