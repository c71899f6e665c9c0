import { AtlasError } from "../lib/errors.js";
import type { BuildArtifacts } from "../schemas/reports.js";
import type { ArtifactStore } from "./artifact-store.js";
import type { ArtifactManifest, ArtifactRef } from "./state.js";

/** A manifest's file with its content. */
export type ArtifactWithContent = Omit<ArtifactRef, "content"> & { content: string };

/**
 * Stores a build's contents, then returns what the state keeps of it: every file without its
 * content. The contents are durable before the state (and so any checkpoint) names them.
 */
export async function storeArtifacts(store: ArtifactStore, built: BuildArtifacts): Promise<ArtifactManifest> {
  await store.put(built.files.map((file) => file.content));
  return { ...built, files: built.files.map(({ content: _content, ...file }) => file) };
}

/**
 * The files with their contents, in the order given: from the file itself when its checkpoint
 * predates the store (it carries `content`), otherwise from the store by its SHA-256.
 * @throws AtlasError `INTERNAL` when the store lacks a content the state names
 */
export async function withContents(store: ArtifactStore, files: readonly ArtifactRef[]): Promise<ArtifactWithContent[]> {
  const needed = files.filter((file) => file.content === undefined).map((file) => file.sha256);
  const stored = needed.length ? await store.get(needed) : new Map<string, string>();
  return files.map(({ content, ...file }) => {
    const text = content ?? stored.get(file.sha256);
    if (text === undefined) throw new AtlasError("INTERNAL", `artifact ${file.path} (sha256 ${file.sha256}) is missing from the artifact store`);
    return { ...file, content: text };
  });
}
