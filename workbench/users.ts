/**
 * The workbench's four demo users, one per role worth trying. Names are what the host pages' `?user=` and the
 * REST Basic auth take; account ids are stable so a seeded demo and its stored data survive restarts.
 */
import type { JiraStore } from './jira/store';
import type { JiraPermission } from './jira/types';

export type DemoUserName = 'admin' | 'member' | 'viewer' | 'outsider';

export interface DemoUser {
  name: DemoUserName;
  accountId: string;
  displayName: string;
  /** Project permissions granted on the demo project. */
  permissions: readonly JiraPermission[];
}

export const DEMO_PROJECT_KEY = 'DEMO';

/**
 * What a squad member may do in a project: see, edit, comment on and move its issues; and the global "Make
 * bulk changes", which a Jira Cloud site gives its product users by default (it is a site setting).
 */
export const MEMBER_PERMISSIONS: readonly JiraPermission[] = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'ADD_COMMENTS',
  'TRANSITION_ISSUES',
  'RESOLVE_ISSUES',
  'BULK_CHANGE',
];

export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  {
    name: 'admin',
    accountId: '712020:wb-0000-0000-0001-admin',
    displayName: 'Ada Admin',
    permissions: [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS'],
  },
  {
    name: 'member',
    accountId: '712020:wb-0000-0000-0002-member',
    displayName: 'Max Member',
    permissions: MEMBER_PERMISSIONS,
  },
  {
    name: 'viewer',
    accountId: '712020:wb-0000-0000-0003-viewer',
    displayName: 'Vera Viewer',
    permissions: ['BROWSE_PROJECTS'],
  },
  {
    name: 'outsider',
    accountId: '712020:wb-0000-0000-0004-outsider',
    displayName: 'Otto Outsider',
    permissions: [],
  },
]);

export const DEFAULT_USER: DemoUserName = 'member';

export function demoUser(name: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.name === name);
}

/** Creates (or refreshes) the demo users in the Jira store. Idempotent. */
export function upsertDemoUsers(store: JiraStore): void {
  for (const u of DEMO_USERS) store.upsertUser({ accountId: u.accountId, displayName: u.displayName });
}

/** Grants each demo user its role on a project that exists; idempotent. Returns false if there is no such project. */
export function grantDemoRoles(store: JiraStore, projectKey: string = DEMO_PROJECT_KEY): boolean {
  if (!store.getProject(projectKey)) return false;
  for (const u of DEMO_USERS) if (u.permissions.length) store.grant(projectKey, u.accountId, u.permissions);
  return true;
}
