/**
 * The issue panel's resolver: `load` (everything the panel shows, one round trip), `save` (the draft on top of a
 * version), `describe` (the saved hypothesis into Jira's description) and `readStory` (a pasted story read). The
 * edge (context, payload validation, error answers) is defineEndpoint's; the work is the issue-lens service's.
 */
import Resolver from '@forge/resolver';
import {
  ISSUE_PANEL_RESOLVERS,
  describePayloadSchema,
  loadPayloadSchema,
  readStoryPayloadSchema,
  savePayloadSchema,
} from '../contract/issue-panel';
import {
  describeWithSavedHypothesis,
  loadIssuePanel,
  readStoryForPanel,
  saveIssueLens,
  type IssueLensPorts,
} from '../services/issue-lens-service';
import { defineEndpoint, resolverHandler } from './endpoint';
import { listOutcomes } from '../storage/outcomes';
import { loadSettings } from '../storage/settings';

/** App storage as the panel reads it. */
export function storagePorts(): IssueLensPorts {
  return {
    outcomes: (projectKey) => listOutcomes(projectKey),
    settings: async (projectKey) => (await loadSettings(projectKey)).settings,
    now: () => new Date(),
  };
}

export function createIssuePanelResolver(ports: IssueLensPorts = storagePorts()): Resolver {
  const resolver = new Resolver();
  defineEndpoint(resolver, ISSUE_PANEL_RESOLVERS.load, loadPayloadSchema, (payload, call) =>
    loadIssuePanel(payload, call, ports),
  );
  defineEndpoint(resolver, ISSUE_PANEL_RESOLVERS.save, savePayloadSchema, (payload, call) =>
    saveIssueLens(payload, call, ports),
  );
  defineEndpoint(resolver, ISSUE_PANEL_RESOLVERS.describe, describePayloadSchema, (payload, call) =>
    describeWithSavedHypothesis(payload, call, ports),
  );
  defineEndpoint(resolver, ISSUE_PANEL_RESOLVERS.readStory, readStoryPayloadSchema, (payload, call) =>
    Promise.resolve(readStoryForPanel(payload, call, ports)),
  );
  return resolver;
}

export const issuePanelHandler = resolverHandler(createIssuePanelResolver());
