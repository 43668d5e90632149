/**
 * Shipped versus moved, shared by the project page's tab and the dashboard gadget: the answer's shape and the
 * gadget's resolver keys and configuration. No zod here (the gadget's bundle is small without it): the
 * resolver's payload schemas are in src/contract/shipped-schemas.ts.
 */
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

/** What the gadget's edit view submits, and Jira keeps as the gadget's configuration. */
export interface GadgetConfig {
  projectKeys: string[];
  months: number;
}

export const GADGET_MONTHS = [3, 6, 12, 24] as const;
const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

/**
 * Reads a stored configuration leniently (Jira gives back whatever was submitted): null when it names no
 * project. Without zod, so the gadget's bundle stays small; the resolver checks payloads with the schema in
 * src/contract/shipped-schemas.ts, which accepts exactly what this answers.
 */
export function readGadgetConfig(value: unknown): GadgetConfig | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as { projectKeys?: unknown; months?: unknown };
  const keys = Array.isArray(v.projectKeys)
    ? [...new Set(v.projectKeys.filter((k): k is string => typeof k === 'string' && PROJECT_KEY.test(k)))]
    : [];
  if (keys.length === 0) return null;
  const months = (GADGET_MONTHS as readonly unknown[]).includes(v.months) ? (v.months as number) : 12;
  return { projectKeys: keys.slice(0, MAX_GADGET_PROJECTS), months };
}

export interface GadgetViewData {
  projects: ShippedMovedData[];
  /** Configured projects the viewer may not browse (or that no longer exist): counted, never named. */
  hidden: number;
}

export interface GadgetProjectsData {
  projects: Array<{ key: string; name: string }>;
}
