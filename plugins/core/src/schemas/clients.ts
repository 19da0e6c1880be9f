import { z } from 'zod';
import { pageQuery, requestBody, storableText, text } from './common.js';

const domain = storableText()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name such as example.com');

const domains = z
  .array(domain)
  .max(50, 'at most 50 domains')
  .transform((ds) => [...new Set(ds)]);

export const clientInput = requestBody({ name: text(200), domains: domains.default([]) });
export const clientPatch = requestBody({ name: text(200), domains }).partial();

export const clientResponse = z.object({
  id: z.string(),
  name: z.string(),
  domains: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const clientListQuery = pageQuery.extend({ search: storableText().trim().max(200, 'must be at most 200 characters').optional() });
export const clientList = z.object({ items: z.array(clientResponse), total: z.number() });

export type ClientInput = z.infer<typeof clientInput>;
export type ClientPatch = z.infer<typeof clientPatch>;
export type ClientListQuery = z.infer<typeof clientListQuery>;
