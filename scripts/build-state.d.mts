// Types of build-state.mjs (plain JavaScript so that it runs before any build) for the TypeScript that imports it.

/** The repository root. */
export declare const repoRoot: string;
/** The TypeScript project of the server and the CLIs. */
export declare const buildConfig: string;
/** Where `pnpm build` writes. */
export declare const defaultOutDir: string;
/** Folders of the build's sources: the first segment of each `include` pattern of tsconfig.build.json. */
export declare function sourceFolders(): string[];
/** Every input of the build (relative to the root) with its modification time in milliseconds. */
export declare function buildInputs(): Map<string, number>;
/** Why the build in `outDir` is out of date, or null when it is not. */
export declare function staleReason(outDir?: string, inputs?: Map<string, number>): string | null;
/** The stamp's file in `outDir`. */
export declare function stampPath(outDir: string): string;
/** What the stamp says: the build started at `startedAt` (ms), read `inputs` and had type errors or not. */
export declare function stampText(startedAt: number, inputs: Map<string, number>, typeErrors?: boolean): string;
