/**
 * Shipped versus moved, shared by the project page's tab and the dashboard gadget: the answer's shape and the
 * gadget's resolver keys, payloads and configuration. Imports only zod and pure domain modules.
 */
import * as z from 'zod';
import type { ShippedView } from '../domain/shipped';

/** One project's view, as the project page and each project of the gadget show it. */
export interface ShippedMovedData {
  projectKey: string;
  projectName: string | null;
  view: ShippedView;
  /** JQL that lists every item delivered without a bet (the view lists the newest). */
  unbetJql: string;
  /** When the scan last brought the summary up to date; null when no scan has kept one yet. */
  updatedAt: string | null;
  /** The scan is still reading the project's delivery history (a large project takes a few runs). */
  catchingUp: boolean;
}

export const GADGET_RESOLVERS = {
  /** The view of each configured project the viewer may browse. */
  view: 'gadgetView',
  /** Projects the person configuring the gadget may browse, to pick from. */
  projects: 'gadgetProjects',
} as const;

/** How many projects one gadget shows. */
export const MAX_GADGET_PROJECTS = 10;

const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, { error: 'Not a project key.' });

/** What the gadget's edit view submits, and Jira keeps as the gadget's configuration. */
export const gadgetConfigSchema = z
  .object({
    projectKeys: z
      .array(projectKeySchema)
      .min(1, { error: 'Pick at least one project.' })
      .max(MAX_GADGET_PROJECTS, { error: `Pick at most ${MAX_GADGET_PROJECTS} projects.` }),
    months: z.number().int().min(3).max(24).default(12),
  })
  .strict();
export type GadgetConfig = z.infer<typeof gadgetConfigSchema>;

export const gadgetViewPayloadSchema = gadgetConfigSchema;
export const gadgetProjectsPayloadSchema = z.object({ query: z.string().max(100).optional() }).strict();

export interface GadgetViewData {
  projects: ShippedMovedData[];
  /** Configured projects the viewer may not browse (or that no longer exist): counted, never named. */
  hidden: number;
}

export interface GadgetProjectsData {
  projects: Array<{ key: string; name: string }>;
}
