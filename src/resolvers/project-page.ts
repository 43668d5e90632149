/**
 * The project page's resolver (outcome map, kill review, backlog health). The edge (context, payload
 * validation, error answers) is defineEndpoint's; the work is the services'.
 */
import Resolver from '@forge/resolver';
import {
  PROJECT_PAGE_RESOLVERS as R,
  addMeasurementPayloadSchema,
  removeMeasurementPayloadSchema,
  archiveOutcomePayloadSchema,
  reopenOutcomePayloadSchema,
  bulkDecidePayloadSchema,
  bulkJobPayloadSchema,
  createOutcomePayloadSchema,
  decidePayloadSchema,
  decisionLogPayloadSchema,
  healthPayloadSchema,
  confirmVerdictPayloadSchema,
  resultsReviewPayloadSchema,
  shippedMovedPayloadSchema,
  importMeasurementsPayloadSchema,
  healthRecipesPayloadSchema,
  loadPayloadSchema,
  mapLanesPayloadSchema,
  mapPagePayloadSchema,
  mapSummaryPayloadSchema,
  scanNowPayloadSchema,
  scanRunsPayloadSchema,
  updateOutcomePayloadSchema,
  zombieQueuePayloadSchema,
} from '../contract/project-page';
import { scanNow } from '../scan/scan-now';
import { backlogHealthReport, healthRecipes, startScan } from '../services/backlog-health-report';
import { bulkJobStatus, startBulkDecision } from '../services/bulk-decisions';
import { decide, decisionLog, zombieQueue } from '../services/kill-review';
import { scanRuns } from '../services/scan-runs';
import { confirmVerdict, resultsReview } from '../services/results-review';
import { shippedMoved } from '../services/shipped-moved';
import {
  addMeasurement,
  removeMeasurement,
  archiveOutcome,
  reopenOutcome,
  createOutcome,
  importMeasurements,
  loadProjectPage,
  mapLanes,
  mapPage,
  mapSummary,
  updateOutcome,
  type Clock,
} from '../services/outcome-map';
import { defineEndpoint, resolverHandler } from './endpoint';

type ScanRunner = (projectKey: string, options: { dryRun?: boolean; accountId: string }) => Promise<unknown>;

/** "Scan now" through the scan's own entry point (which checks Administer Projects again, as the user). */
const runScan: ScanRunner = (projectKey, { dryRun, accountId }) =>
  scanNow({ projectKey, ...(dryRun !== undefined ? { dryRun } : {}) }, { accountId });

export interface ProjectPageOptions {
  clock?: Clock;
  siteUrl?: string | null;
  scanNow?: ScanRunner;
}

export function createProjectPageResolver(options: ProjectPageOptions = {}): Resolver {
  const clock = options.clock ?? { now: () => new Date() };
  const resolver = new Resolver();
  defineEndpoint(resolver, R.load, loadPayloadSchema, (_p, call) =>
    loadProjectPage(call, options.siteUrl ?? null),
  );
  defineEndpoint(resolver, R.mapSummary, mapSummaryPayloadSchema, (p, call) => mapSummary(call, p.filters));
  defineEndpoint(resolver, R.mapPage, mapPagePayloadSchema, (p, call) => mapPage(call, p));
  defineEndpoint(resolver, R.mapLanes, mapLanesPayloadSchema, (p, call) => mapLanes(call, p));
  defineEndpoint(resolver, R.createOutcome, createOutcomePayloadSchema, (p, call) =>
    createOutcome(call, p, clock),
  );
  defineEndpoint(resolver, R.updateOutcome, updateOutcomePayloadSchema, (p, call) =>
    updateOutcome(call, p, clock),
  );
  defineEndpoint(resolver, R.archiveOutcome, archiveOutcomePayloadSchema, (p, call) =>
    archiveOutcome(call, p, clock),
  );
  defineEndpoint(resolver, R.reopenOutcome, reopenOutcomePayloadSchema, (p, call) =>
    reopenOutcome(call, p, clock),
  );
  defineEndpoint(resolver, R.addMeasurement, addMeasurementPayloadSchema, (p, call) =>
    addMeasurement(call, p, clock),
  );
  defineEndpoint(resolver, R.removeMeasurement, removeMeasurementPayloadSchema, (p, call) =>
    removeMeasurement(call, p, clock),
  );
  defineEndpoint(resolver, R.importMeasurements, importMeasurementsPayloadSchema, (p, call) =>
    importMeasurements(call, p, clock),
  );
  defineEndpoint(resolver, R.zombieQueue, zombieQueuePayloadSchema, (p, call) => zombieQueue(call, p, clock));
  defineEndpoint(resolver, R.bulkDecide, bulkDecidePayloadSchema, (p, call) =>
    startBulkDecision(call, p, clock),
  );
  defineEndpoint(resolver, R.bulkJob, bulkJobPayloadSchema, (p, call) => bulkJobStatus(call, p.jobId));
  defineEndpoint(resolver, R.decide, decidePayloadSchema, (p, call) => decide(call, p, clock));
  defineEndpoint(resolver, R.decisionLog, decisionLogPayloadSchema, (p, call) => decisionLog(call, p));
  defineEndpoint(resolver, R.resultsReview, resultsReviewPayloadSchema, (_p, call) =>
    resultsReview(call, clock),
  );
  defineEndpoint(resolver, R.confirmVerdict, confirmVerdictPayloadSchema, (p, call) =>
    confirmVerdict(call, p, clock),
  );
  defineEndpoint(resolver, R.shippedMoved, shippedMovedPayloadSchema, (p, call) =>
    shippedMoved(call, clock, p.today),
  );
  defineEndpoint(resolver, R.health, healthPayloadSchema, (_p, call) => backlogHealthReport(call));
  defineEndpoint(resolver, R.healthRecipes, healthRecipesPayloadSchema, (p, call) =>
    healthRecipes(call, p.pageToken),
  );
  defineEndpoint(resolver, R.scanNow, scanNowPayloadSchema, (p, call) =>
    startScan(call, options.scanNow ?? runScan, p.dryRun),
  );
  defineEndpoint(resolver, R.scanRuns, scanRunsPayloadSchema, (p, call) => scanRuns(call, p.limit, clock));
  return resolver;
}

export const projectPageHandler = resolverHandler(createProjectPageResolver());
