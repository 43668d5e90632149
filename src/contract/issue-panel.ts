/**
 * The issue panel's contract: resolver keys, payload schemas and answer types. Imported by the resolver
 * (src/resolvers/issue-panel.ts) and by the Custom UI (static/issue-panel), so both sides check the same shapes.
 * Imports only zod and pure domain modules: it must bundle for the browser.
 */
import * as z from 'zod';
import type { VerdictProposal } from '../domain/bet-verdict';
import type { AdfNode } from '../domain/plain-text';
import { issueLensDraftSchema, type IssueLensDraft, type OutcomeStatus } from '../domain/schemas';
import type { Settings } from '../domain/settings';
import type { StatusCategory } from '../domain/zombie';

export const ISSUE_PANEL_RESOLVERS = {
  /** Everything the panel shows, in one round trip. */
  load: 'load',
  /** Saves the draft on top of `version`; refuses a stale version. */
  save: 'save',
  /** Writes the saved hypothesis into the Jira description, as the user: replacing it or on top of it. */
  describe: 'describe',
} as const;
export type IssuePanelResolverKey = (typeof ISSUE_PANEL_RESOLVERS)[keyof typeof ISSUE_PANEL_RESOLVERS];

/**
 * The issue always comes from the Forge context. A key in the payload is accepted only to be compared with the
 * context (a page that thinks it is on another issue must not write to this one).
 */
const claimedIssueKey = z.string().max(300).optional();

export const loadPayloadSchema = z.object({ issueKey: claimedIssueKey }).strict();
export type LoadPayload = z.input<typeof loadPayloadSchema>;

export const savePayloadSchema = z
  .object({
    issueKey: claimedIssueKey,
    /** The stored version the draft was edited from: 0 for an issue with nothing stored yet. */
    version: z
      .number({ error: 'The panel sent no version: reload it and try again.' })
      .int({ error: 'The panel sent an unreadable version: reload it and try again.' })
      .min(0, { error: 'The panel sent an unreadable version: reload it and try again.' }),
    draft: issueLensDraftSchema,
  })
  .strict();
export type SavePayload = z.input<typeof savePayloadSchema>;

export const describePayloadSchema = z
  .object({
    issueKey: claimedIssueKey,
    change: z.enum(['replace', 'prefix'], {
      error: 'Choose to replace the description or to put it on top.',
    }),
    /** The stored version the panel showed: the description is written from that saved hypothesis only. */
    version: z
      .number({ error: 'The panel sent no version: reload it and try again.' })
      .int()
      .min(1, { error: 'Save the hypothesis first: only a saved hypothesis goes into the description.' }),
  })
  .strict();
export type DescribePayload = z.input<typeof describePayloadSchema>;

export interface PanelDescribeData {
  /** The description as Jira now holds it. */
  description: AdfNode;
}

/** The facts of the issue the score needs, as the browser recomputes it. */
export interface PanelIssue {
  key: string;
  /** The project the issue is in now (a moved issue's old key names another). */
  projectKey: string;
  summary: string;
  description: string | AdfNode | null;
  statusName: string;
  statusCategory: StatusCategory;
  issueType: string | null;
  /** The parent (epic), with the outcome its own lens links to. */
  parent: { key: string; summary: string; outcomeId: string | null } | null;
}

/** An outcome as the panel lists it. */
export interface PanelOutcome {
  id: string;
  name: string;
  metric: string;
  status: OutcomeStatus;
}

/** The stored lens as the panel edits it; `version` 0 with `draft` empty when nothing is stored yet. */
export interface PanelLens {
  version: number;
  draft: IssueLensDraft;
  updatedAt: string | null;
  updatedBy: string | null;
  /** The score stored with the lens (what JQL sees), null when never saved. */
  storedScore: number | null;
  /** What the last scan found: the rules that sent this item to kill review, or a Keep decision's snooze. */
  killReview: PanelKillReview;
}

export interface PanelKillReview {
  flaggedAt: string | null;
  rules: Array<{ rule: string; since: string; detail: string; clearBy: string }>;
  snoozedUntil: string | null;
}

export interface PanelPermissions {
  canEdit: boolean;
  /** Why the panel is read-only, in words for the user; null when it is editable. */
  readOnlyReason: string | null;
}

export interface PanelLoadData {
  issue: PanelIssue;
  lens: PanelLens;
  /**
   * Outcomes the panel may show: the project's active ones (offered in the select), plus the one linked
   * directly or through the parent even when no longer active (so its status can be explained).
   */
  outcomes: PanelOutcome[];
  settings: Pick<Settings, 'weights' | 'inheritedLinkShare'>;
  permissions: PanelPermissions;
  /**
   * A delivered bet the scan checks: where it stands and, from its check-by day, the verdict the measurements
   * support. Null when the scan tracks nothing for this issue, or a result is recorded.
   */
  betCheck?: {
    status: string;
    deliveredOn: string;
    checkBy: string;
    proposal: VerdictProposal | null;
  } | null;
}

export interface PanelSaveData {
  lens: PanelLens;
  score: number;
}

/** The message of a stale save; the UI offers to reload next to it. */
export const STALE_VERSION_MESSAGE =
  'Someone else saved this issue while you were editing. Your changes are kept here: reload to see theirs, then save again.';
