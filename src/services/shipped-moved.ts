/**
 * Shipped versus moved for the project page and the dashboard gadget. A load reads the summary the scan keeps
 * (src/scan/shipped.ts) and the outcomes from app storage, after one Jira call that says what the viewer may
 * see: a bounded number of Jira calls, whatever the size of the projects.
 */
import type { GadgetProjectsData, GadgetViewData, ShippedMovedData } from '../contract/shipped';
import { emptyShippedSummary, shippedView } from '../domain/shipped';
import { JiraClient } from '../jira/client';
import { jqlString } from '../jira/jql';
import type { CallContext } from '../resolvers/endpoint';
import { listOutcomes } from '../storage/outcomes';
import { loadShippedSummary } from '../storage/shipped';
import type { Clock } from './outcome-map';
import { hiddenFromCaller, requireBrowse, targetProject } from './project-access';
import { utcDay } from '../domain/dates';

async function projectView(
  projectKey: string,
  projectName: string | null,
  today: string,
  months: number,
): Promise<ShippedMovedData> {
  const [summary, outcomes] = await Promise.all([loadShippedSummary(projectKey), listOutcomes(projectKey)]);
  const shown = outcomes
    .filter((o) => o.status !== 'abandoned')
    .map((o) => ({
      id: o.id,
      name: o.name,
      metric: o.metric,
      unit: o.unit ?? null,
      direction: o.direction,
      baseline: o.baseline,
      target: o.target,
      measurements: o.measurements,
    }));
  const view = shippedView(summary ?? emptyShippedSummary(), shown, today, months);
  // The scan listed them as the app: one a security level keeps from this viewer is not named. It still counts in
  // the totals, as every figure of the ledger does, so the counts agree with each other. Only the items read under
  // a level (or kept before that was noted) are asked about.
  const hidden = await hiddenFromCaller(view.unbet.filter((u) => u.secured !== false).map((u) => u.issueKey));
  if (hidden.size > 0) view.unbet = view.unbet.filter((u) => !hidden.has(u.issueKey.toUpperCase()));
  return {
    projectKey,
    projectName,
    view,
    unbetJql: `project = ${jqlString(projectKey)} AND statusCategory = Done AND checkBy IS EMPTY ORDER BY updated DESC`,
    updatedAt: summary?.updatedAt ?? null,
    catchingUp: summary?.catchingUp ?? false,
  };
}

/** The project page's tab: anyone who may browse the project. */
export async function shippedMoved(call: CallContext, clock: Clock): Promise<ShippedMovedData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  return projectView(projectKey, null, utcDay(clock.now()), 12);
}

/**
 * The gadget: the configured projects the viewer may browse, asked of Jira as the viewer in one call (project
 * search with `keys` answers only browsable projects). The others are counted, not named: a dashboard is
 * shared, and a viewer learns nothing of a project they may not see.
 */
export async function gadgetView(
  _call: CallContext,
  config: { projectKeys: string[]; months: number },
  clock: Clock,
): Promise<GadgetViewData> {
  const wanted = [...new Set(config.projectKeys)];
  const visible = await JiraClient.asUser().searchProjects({ keys: wanted, maxPages: 1 });
  const byKey = new Map(visible.map((p) => [p.key, p.name]));
  const today = utcDay(clock.now());
  const shown = wanted.filter((k) => byKey.has(k));
  const projects = await Promise.all(
    shown.map((k) => projectView(k, byKey.get(k) ?? null, today, config.months)),
  );
  return { projects, hidden: wanted.length - shown.length };
}

/** Projects the person configuring the gadget may browse (the first 50 matching their search). */
export async function gadgetProjects(
  _call: CallContext,
  query: string | undefined,
): Promise<GadgetProjectsData> {
  const found = await JiraClient.asUser().searchProjects({ ...(query ? { query } : {}), maxPages: 1 });
  return { projects: found.map((p) => ({ key: p.key, name: p.name })) };
}
