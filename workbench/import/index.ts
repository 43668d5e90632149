/** The importer's public face: `npm start -- --import FILE` loads it from here. */
export {
  importIssues,
  importLog,
  IMPORT_PROPERTY_KEY,
  type ImportOptions,
  type ImportReport,
  type ImportTarget,
  type SkippedLine,
} from './importer';
export { mapIssue, IssueShapeError, type MappedIssue } from './jira-issue';
