import type { Rule } from "../types.js";

export const loggingRules: readonly Rule[] = [];
