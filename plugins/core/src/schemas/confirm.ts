// `?confirm=true`: the caller saw a 409 warning (a possible duplicate, a change with consequences)
// and goes ahead. Anything but the words true or false is a 400, so a typo never skips a warning.
import { z } from 'zod';

export const confirmQuery = z.object({
  confirm: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
});

export type ConfirmQuery = z.infer<typeof confirmQuery>;
