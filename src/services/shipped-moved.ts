/**
 * Shipped versus moved for the project page and the dashboard gadget. A load reads the summary the scan keeps
 * (src/scan/shipped.ts) and the outcomes from app storage, after one Jira call that says what the viewer may
 * see: a bounded number of Jira calls, whatever the size of the projects.
 */
import type { GadgetProjectsData, GadgetViewData, ShippedMovedData } from '../contract/shipped';
import {
  emptyShippedSummary,
  securedItemsNamed,
  shippedSummaryWithout,
  shippedView,
  type ShippedSummary,
} from '../domain/shipped';
import { JiraClient } from '../jira/client';
import { jqlString } from '../jira/jql';
import type { CallContext } from '../resolvers/endpoint';
import { listOutcomes } from '../storage/outcomes';
import { loadShippedItems, loadShippedSummary } from '../storage/shipped';
import type { Clock } from './outcome-map';
import { hiddenFromCaller, readableByCaller, requireBrowse, targetProject } from './project-access';
import { newestDay } from '../domain/dates';

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
  const view = shippedView(await summaryForViewer(projectKey, summary), shown, today, months);
  return {
    projectKey,
    projectName,
    view,
    unbetJql: `project = ${jqlString(projectKey)} AND statusCategory = Done AND checkBy IS EMPTY ORDER BY updated DESC`,
    updatedAt: summary?.updatedAt ?? null,
    catchingUp: summary?.catchingUp ?? false,
  };
}

/**
 * The scan kept the ledger as the app, which a security level may let see more than the viewer. When the summary
 * names every secured item it counts, those the viewer may not see are taken out of every figure, as Jira's own
 * counts leave them out; a project with none costs no Jira call for them. A summary that cannot say (begun before
 * secured items were noted, or with more than it names) keeps its figures. The items listed by name cost one bulk
 * read as the viewer.
 */
async function summaryForViewer(projectKey: string, summary: ShippedSummary | null): Promise<ShippedSummary> {
  if (!summary) return emptyShippedSummary();
  const counted = await figuresForViewer(projectKey, summary);
  // The items named by key and summary are those Jira answers the viewer now, under that key: one the ledger
  // noted unsecured may since have been moved to a project they may not browse, or put under a level that
  // leaves out even the app (whose scan then no longer reads it to note it).
  if (counted.unbet.length === 0) return counted;
  const readable = await readableByCaller(counted.unbet.map((u) => u.issueKey));
  return { ...counted, unbet: counted.unbet.filter((u) => readable.has(u.issueKey.toUpperCase())) };
}

/** The summary's figures without the secured items it names that the viewer may not see. */
async function figuresForViewer(projectKey: string, summary: ShippedSummary): Promise<ShippedSummary> {
  const named = securedItemsNamed(summary);
  if (!named || named.length === 0) return summary;
  const hidden = await hiddenFromCaller(named);
  if (hidden.size === 0) return summary;
  const records = await loadShippedItems(
    projectKey,
    named.filter((k) => hidden.has(k.toUpperCase())),
  );
  return shippedSummaryWithout(summary, records.values());
}

/**
 * The project page's tab: anyone who may browse the project. Its last month is the newest day's, the person's or
 * the server's: deliveries count in the site's days (src/domain/delivery.ts), and east of UTC a new month begins
 * there hours before it does in UTC, with its first deliveries in it. The site's zone is not told to the app.
 */
export async function shippedMoved(
  call: CallContext,
  clock: Clock,
  today?: string,
): Promise<ShippedMovedData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  return projectView(projectKey, null, newestDay(clock.now(), today), 12);
}

/**
 * The gadget: the configured projects the viewer may browse, asked of Jira as the viewer in one call (project
 * search with `keys` and the `browse` action: the default action also answers projects the viewer may only
 * administer). The others are counted, not named: a dashboard is shared, and a viewer learns nothing of a project
 * they may not see.
 */
export async function gadgetView(
  _call: CallContext,
  config: { projectKeys: string[]; months: number; today?: string | undefined },
  clock: Clock,
): Promise<GadgetViewData> {
  const wanted = [...new Set(config.projectKeys)];
  const visible = await JiraClient.asUser().searchProjects({ keys: wanted, maxPages: 1, browse: true });
  const byKey = new Map(visible.map((p) => [p.key, p.name]));
  const today = newestDay(clock.now(), config.today);
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
  const found = await JiraClient.asUser().searchProjects({
    ...(query ? { query } : {}),
    maxPages: 1,
    browse: true,
  });
  return { projects: found.map((p) => ({ key: p.key, name: p.name })) };
}
