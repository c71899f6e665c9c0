import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";

/** File types ingested; Markdown-like ones are chunked by heading. */
const MARKDOWN = new Set([".md", ".mdx", ".markdown"]);
const PLAIN_TEXT = new Set([".txt", ".yaml", ".yml", ".json"]);
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".atlas"]);

/** Files larger than this are reported and skipped. */
export const MAX_FILE_BYTES = 1_048_576;

/** A file accepted for ingestion. */
export interface SourceFile {
  /** Path relative to the folder that was given, with forward slashes. */
  source: string;
  absolutePath: string;
  text: string;
  bytes: number;
  contentHash: string;
  markdown: boolean;
}

/** A file that was looked at and not ingested, with the reason. */
export interface SkippedFile {
  source: string;
  reason: string;
}

/** One path given to ingestion: the files under it and the collection they belong to. */
export interface SourceRoot {
  root: string;
  collection: string;
  files: SourceFile[];
  skipped: SkippedFile[];
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...(await walk(full)));
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      out.push(full);
    }
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads one file and decides whether it can be ingested. */
async function classify(absolutePath: string, source: string, maxBytes: number): Promise<SourceFile | SkippedFile> {
  const extension = extname(absolutePath).toLowerCase();
  if (!MARKDOWN.has(extension) && !PLAIN_TEXT.has(extension)) {
    return { source, reason: `unsupported file type${extension ? ` ${extension}` : ""}` };
  }
  const info = await stat(absolutePath);
  if (!info.isFile()) return { source, reason: "not a regular file" };
  if (info.size > maxBytes) return { source, reason: `too large (${info.size} bytes > ${maxBytes})` };
  const buffer = await readFile(absolutePath);
  if (buffer.length === 0) return { source, reason: "empty file" };
  if (buffer.includes(0)) return { source, reason: "binary content (NUL bytes)" };
  let text: string;
  try {
    text = utf8.decode(buffer);
  } catch {
    return { source, reason: "not valid UTF-8" };
  }
  if (text.trim() === "") return { source, reason: "empty file" };
  return {
    source,
    absolutePath,
    text: text.replace(/^\uFEFF/, ""),
    bytes: buffer.length,
    contentHash: createHash("sha256").update(buffer).digest("hex"),
    markdown: MARKDOWN.has(extension),
  };
}

/**
 * Collects the files under a path. A folder's files are named relative to it and form a
 * collection named after the folder; a single file is named by its base name.
 */
export async function readSourceRoot(path: string, options: { collection?: string | undefined; maxBytes?: number } = {}): Promise<SourceRoot> {
  const root = resolve(path);
  const info = await stat(root);
  const base = info.isDirectory() ? root : dirname(root);
  const paths = info.isDirectory() ? await walk(root) : [root];
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const absolutePath of paths) {
    const source = relative(base, absolutePath).split(sep).join("/");
    const result = await classify(absolutePath, source, options.maxBytes ?? MAX_FILE_BYTES).catch(
      (error: NodeJS.ErrnoException): SkippedFile => ({ source, reason: `unreadable (${error.code ?? error.message})` }),
    );
    if ("text" in result) files.push(result);
    else skipped.push(result);
  }
  return { root, collection: options.collection ?? basename(base), files, skipped };
}
