import { z } from 'zod';
import { optionalText, pageQuery, requestBody, storableText, text } from './common.js';

const fields = {
  clientId: z.uuid({ message: 'must be a valid client id' }),
  fullName: text(200),
  // Trim before checking: an email check placed first would reject a pasted ' jane@acme.com '.
  email: storableText()
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: 'must be a valid email address' }))
    .nullish(),
  phone: optionalText(50),
  jobTitle: optionalText(200),
  isInactive: z.boolean(),
};
export const contactInput = requestBody({ ...fields, isInactive: fields.isInactive.default(false) });
export const contactPatch = requestBody(fields).partial();

export const contactResponse = z.object({
  id: z.string(),
  clientId: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  jobTitle: z.string().nullable(),
  isInactive: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const contactListQuery = pageQuery.extend({
  clientId: z.uuid({ message: 'must be a valid client id' }).optional(),
  search: storableText().trim().max(200, 'must be at most 200 characters').optional(),
  includeInactive: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export const contactList = z.object({ items: z.array(contactResponse), total: z.number() });

export type ContactInput = z.infer<typeof contactInput>;
export type ContactPatch = z.infer<typeof contactPatch>;
export type ContactListQuery = z.infer<typeof contactListQuery>;
