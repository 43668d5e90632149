/** The gadget resolver's payload schemas (zod), for the backend: the UI reads with readGadgetConfig. */
import * as z from 'zod';
import { isoDate } from '../domain/schemas';
import { GADGET_MONTHS, MAX_GADGET_PROJECTS } from './shipped';

const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, { error: 'Not a project key.' });

/** What the gadget's edit view submits (and Jira keeps as its configuration), checked at the resolver. */
export const gadgetConfigSchema = z
  .object({
    projectKeys: z
      .array(projectKeySchema)
      .min(1, { error: 'Pick at least one project.' })
      .max(MAX_GADGET_PROJECTS, { error: `Pick at most ${MAX_GADGET_PROJECTS} projects.` }),
    months: z
      .number()
      .refine((n) => (GADGET_MONTHS as readonly number[]).includes(n), {
        error: 'Months shown: 3, 6, 12 or 24.',
      })
      .default(12),
  })
  .strict();

/** The configuration, and the viewer's own day: the month it falls in is the view's last. */
export const gadgetViewPayloadSchema = gadgetConfigSchema.extend({ today: isoDate('Today').optional() });
export const gadgetProjectsPayloadSchema = z.object({ query: z.string().max(100).optional() }).strict();
