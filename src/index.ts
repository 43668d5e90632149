/**
 * Forge entry points, named by the `handler` fields in manifest.yml (`index.<export>`).
 * Each surface's resolver lives in src/resolvers, the scan in src/scan.
 */
export { issuePanelHandler as issuePanel } from './resolvers/issue-panel';
export { projectPageHandler as projectPage } from './resolvers/project-page';
export { settingsHandler as settings } from './resolvers/settings';
export { gadgetHandler as shippedGadget } from './resolvers/gadget';
export { installTrigger, scanResume, scanTrigger } from './scan/trigger';
export { scanConsumer } from './scan/consumer';
export { entryGate } from './gate/entry-gate';
export { calibrationConsumer } from './calibration/job';
export { measurementsWebTrigger } from './webtrigger/measurements';
export { bulkConsumer } from './services/bulk-decisions';
