/**
 * The emulator's statuses and their categories, and when an issue's status last changed category (Jira's
 * `statuscategorychangedate`, the "Status Category Changed" system field of GET /field).
 *
 * The emulator keeps no status list: a status is a name (its id derives from it, routes/common.ts `statusId`),
 * with the category of the issues in it, else the one the store gives a new issue in it (store.ts
 * `defaultCategory`: To Do, Open and Backlog are new, Done, Closed and Resolved done, any other in progress).
 */
import type { Statement } from 'better-sqlite3';
import { defaultCategory, type JiraStore } from './store';
import type { ChangelogItemInput, IssueStatusCategory, StoredIssue } from './types';

/** A changelog item's status name: its own field (an item without one would read Object.prototype's toString). */
const named = (item: ChangelogItemInput, key: 'fromString' | 'toString'): string | null =>
  Object.hasOwn(item, key) && typeof item[key] === 'string' ? item[key] : null;

/** Each store's statement for a status's category: prepared once, as a search renders it for every issue. */
const categoryByName = new WeakMap<JiraStore, Statement>();

/** The category of the status of this name, as the emulator's issues hold it. */
export function statusCategoryOfName(store: JiraStore, name: string): IssueStatusCategory {
  let statement = categoryByName.get(store);
  if (!statement) {
    statement = store.db.prepare('SELECT status_category FROM jira_issues WHERE status_name = ? LIMIT 1');
    categoryByName.set(store, statement);
  }
  const row = statement.get(name) as { status_category: IssueStatusCategory } | undefined;
  return row?.status_category ?? defaultCategory(name);
}

/**
 * When the issue's status last moved to another category, as Jira answers `statuscategorychangedate`: the last
 * status change of its history between statuses of different categories, or its creation when its history shows
 * none. An issue whose category the history does not account for (made or changed through the store alone, with no
 * status change recorded to its present category) answers its last update, the latest the change can have been.
 */
export function statusCategoryChangedAt(store: JiraStore, issue: StoredIssue): string {
  const categoryOf = new Map<string, IssueStatusCategory>();
  const category = (name: string | null): IssueStatusCategory | null => {
    if (!name) return null;
    if (!categoryOf.has(name)) categoryOf.set(name, statusCategoryOfName(store, name));
    return categoryOf.get(name)!;
  };
  let changedAt: string | null = null;
  let after: IssueStatusCategory | null = null;
  for (const h of store.listChangelog(issue.id))
    for (const item of h.items) {
      if ((item.fieldId ?? item.field.toLowerCase()) !== 'status') continue;
      after = category(named(item, 'toString'));
      if (category(named(item, 'fromString')) !== after) changedAt = h.created;
    }
  if (after === null || after !== issue.statusCategory) return issue.updated;
  return changedAt ?? issue.created;
}
