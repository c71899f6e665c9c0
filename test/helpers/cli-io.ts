import type { CliIo } from "../../app/cli/args.js";

/** A CliIo that keeps what a command prints, for tests to read back. */
export function recordingIo(): { io: CliIo; printed: { stdout: string; stderr: string } } {
  const printed = { stdout: "", stderr: "" };
  const io: CliIo = {
    stdout: (text) => {
      printed.stdout += text;
    },
    stderr: (text) => {
      printed.stderr += text;
    },
  };
  return { io, printed };
}
