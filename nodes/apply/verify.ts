import type { ArtifactWithContent } from "../../graph/artifact-contents.js";
import type { ArtifactManifest } from "../../graph/state.js";
import { AtlasError } from "../../lib/errors.js";
import type { WorkspaceFile } from "../../lib/gitops.js";
import type { ArtifactSignature, Signer } from "../../lib/signing.js";
import { checkContents, SIGNATURE_FILE, signatureDocument, verifyArtifacts } from "../builder/verify.js";

/** What apply.done says about the check: verified with a key, or unsigned (digest only). */
export type ApplyVerification = { status: "verified"; key_id: string; digest: string } | { status: "unsigned"; digest: string; note: string };

/** What the apply commits beside the artifacts, and what it reports. */
export interface CheckedBuild {
  /** ATLAS-SIGNATURE.json for the plan's folder; null for an unsigned build */
  signatureFile: WorkspaceFile | null;
  verification: ApplyVerification;
}

const refused = (artifacts: ArtifactManifest, reason: string) =>
  new AtlasError("INTERNAL", `apply refused: the artifacts of ${artifacts.plan_id} v${artifacts.plan_version} failed verification: ${reason}`, {
    details: { plan_id: artifacts.plan_id, plan_version: artifacts.plan_version },
  });

/**
 * Checks the files apply is about to commit against the build: their contents against the digest
 * and the digest against the builder's signature, with this replica's key as the one trusted key.
 * A build from before signing (no signature) has its digest checked only, and says so.
 * @throws AtlasError `INTERNAL` naming what failed (a changed file, another key, a bad signature):
 *   nothing may be committed then
 */
export function checkBeforeApply(signer: Signer, artifacts: ArtifactManifest, files: readonly ArtifactWithContent[]): CheckedBuild {
  if (files.some((file) => file.path === SIGNATURE_FILE)) throw refused(artifacts, `the build has a file named ${SIGNATURE_FILE}, which the signature needs`);
  const listed = artifacts.files.map(({ path, sha256 }) => ({ path, sha256 }));
  const { signature } = artifacts;
  if (!signature) {
    const check = checkContents(files, { digest: artifacts.digest, files: listed });
    if (!check.ok) throw refused(artifacts, check.problems.join("; "));
    const note = "built before builds were signed: the contents match the recorded digest; no signature was checked";
    return { signatureFile: null, verification: { status: "unsigned", digest: check.digest, note } };
  }
  if (signature.key_id !== signer.keyId) {
    throw refused(
      artifacts,
      `the build was signed with key ${signature.key_id}, but this replica's signing key (ATLAS_SIGNING_KEY_FILE) is ${signer.keyId}; replicas of one deployment must share one key`,
    );
  }
  if (signature.signed !== artifacts.digest)
    throw refused(artifacts, `the signature is over digest ${signature.signed}, the build recorded ${artifacts.digest}`);
  const full: ArtifactSignature = { ...signature, files: listed };
  const check = verifyArtifacts(files, full, [signer.publicKey]);
  if (!check.ok) throw refused(artifacts, check.problems.join("; "));
  return {
    signatureFile: { path: SIGNATURE_FILE, content: signatureDocument(signature, listed) },
    verification: { status: "verified", key_id: signature.key_id, digest: check.digest },
  };
}
