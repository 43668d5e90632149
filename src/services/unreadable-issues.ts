/**
 * Counts the issues Jira's searches answered in a shape the app cannot read, across the pages one answer reads,
 * so the page can say its figures left them out instead of being silently short.
 */
import type { UnreadableIssues } from '../contract/project-page';
import { UNREADABLE_NAMED } from '../contract/project-page-keys';
import type { SearchJqlPage } from '../jira/client';

export class UnreadableTally {
  private count = 0;
  private readonly named: string[] = [];

  /** Takes a page's unreadable issues; answers the page, so a search can pass through it. */
  add(page: SearchJqlPage): SearchJqlPage {
    for (const issue of page.unreadable) {
      this.count += 1;
      const name = issue.key ?? issue.id;
      if (name !== null && this.named.length < UNREADABLE_NAMED && !this.named.includes(name))
        this.named.push(name);
    }
    return page;
  }

  result(): UnreadableIssues | null {
    return this.count === 0 ? null : { count: this.count, named: [...this.named] };
  }
}

/** One page's unreadable issues, as an answer carries them. */
export function unreadableOf(page: SearchJqlPage): UnreadableIssues | null {
  const tally = new UnreadableTally();
  tally.add(page);
  return tally.result();
}
