import { z } from "zod";

/** Request bodies shared by the retrieval and advice routes. */
export const filtersSchema = z
  .object({
    collection: z.string().min(1).max(200).optional(),
    source_prefix: z.string().min(1).max(500).optional(),
  })
  .strict();

export const searchBodySchema = z
  .object({
    query: z.string().trim().min(1, "must not be empty").max(4000),
    top_k: z.number().int().min(1).max(100).optional(),
    threshold: z.number().min(0).max(1).optional(),
    collapse_by_file: z.boolean().optional(),
    filters: filtersSchema.optional(),
  })
  .strict();

export const adviceBodySchema = z
  .object({
    question: z.string().trim().min(1, "must not be empty").max(4000),
    top_k: z.number().int().min(1).max(50).optional(),
    filters: filtersSchema.optional(),
  })
  .strict();
