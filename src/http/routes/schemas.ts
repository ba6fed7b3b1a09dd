import { z } from 'zod';

export const uuid = z.string().uuid();
export const isoDate = z.string().datetime({ offset: true }).transform((s) => new Date(s));

export const sectionSchema = z.strictObject({
  name: z.string().trim().min(1).max(50),
  rows: z.number().int().min(1).max(200),
  seatsPerRow: z.number().int().min(1).max(200),
});
