import type { Rule } from "../types.js";

export const helmRules: readonly Rule[] = [];
