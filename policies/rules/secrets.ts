import type { Rule } from "../types.js";

export const secretRules: readonly Rule[] = [];
