/**
 * The Jira emulator reads an absolute JQL date of a date-time field in the searching account's time zone, as
 * Jira does: the account's own zone, else the site's default user time zone (the app's account has none).
 */
import { matchesJql, parseJql, type JqlContext, type JqlIssueView } from '../../workbench/jira/jql';
import { readPropertyIndex } from '../../workbench/jira/property-index';
import { JiraStore } from '../../workbench/jira/store';
import { openDatabase } from '../../workbench/db';

const index = readPropertyIndex();
const NOW = new Date('2026-02-01T12:00:00.000Z');

function updatedAt(iso: string): JqlIssueView {
  return {
    id: 10000,
    key: 'DEMO-1',
    projectKey: 'DEMO',
    issueType: 'Story',
    statusName: 'Done',
    statusCategory: 'done',
    labels: [],
    created: '2026-01-01T00:00:00.000Z',
    updated: iso,
    assignee: null,
    reporter: null,
    resolution: 'Done',
    parentKey: null,
    sprintIds: [],
    properties: {},
  };
}

function matches(jql: string, iso: string, timeZone?: string): boolean {
  const ctx: JqlContext = { now: NOW, ...(timeZone ? { timeZone } : {}) };
  return matchesJql(parseJql(jql, index), updatedAt(iso), ctx);
}

describe("absolute JQL dates in the searching account's time zone", () => {
  it('reads "2026-01-31 18:00" as 18:00 in UTC-8, that is 02:00 UTC the next day', () => {
    const jql = 'project = DEMO AND updated >= "2026-01-31 18:00"';
    expect(matches(jql, '2026-02-01T01:59:00.000Z', 'Etc/GMT+8')).toBe(false);
    expect(matches(jql, '2026-02-01T02:00:00.000Z', 'Etc/GMT+8')).toBe(true);
    // In UTC (no zone given, as before) the same text is eight hours earlier.
    expect(matches(jql, '2026-01-31T18:00:00.000Z')).toBe(true);
    expect(matches(jql, '2026-01-31T17:59:00.000Z')).toBe(false);
    // East of UTC it is earlier still: 18:00 in UTC+14 is 04:00 UTC.
    expect(matches(jql, '2026-01-31T04:00:00.000Z', 'Etc/GMT-14')).toBe(true);
    expect(matches(jql, '2026-01-31T03:59:00.000Z', 'Etc/GMT-14')).toBe(false);
    // A relative date is counted from the clock, whatever the zone.
    const relative = 'project = DEMO AND updated >= -60m';
    expect(matches(relative, '2026-02-01T11:00:00.000Z', 'Etc/GMT+8')).toBe(true);
    expect(matches(relative, '2026-02-01T10:59:00.000Z', 'Etc/GMT+8')).toBe(false);
  });

  it('follows daylight saving time in a zone that has it', () => {
    const jql = 'project = DEMO AND updated < "2026-07-01 09:00"';
    // Los Angeles is UTC-7 in July.
    expect(matches(jql, '2026-07-01T15:59:00.000Z', 'America/Los_Angeles')).toBe(true);
    expect(matches(jql, '2026-07-01T16:00:00.000Z', 'America/Los_Angeles')).toBe(false);
  });

  it('matches a whole day of that zone for `updated = "day"`', () => {
    const jql = 'project = DEMO AND updated = "2026-01-31"';
    expect(matches(jql, '2026-01-31T07:59:00.000Z', 'Etc/GMT+8')).toBe(false);
    expect(matches(jql, '2026-01-31T08:00:00.000Z', 'Etc/GMT+8')).toBe(true);
    expect(matches(jql, '2026-02-01T07:59:00.000Z', 'Etc/GMT+8')).toBe(true);
    expect(matches(jql, '2026-02-01T08:00:00.000Z', 'Etc/GMT+8')).toBe(false);
    expect(
      matches('project = DEMO AND updated != "2026-01-31"', '2026-02-01T08:00:00.000Z', 'Etc/GMT+8'),
    ).toBe(true);
  });
});

describe('the site and user time zones of the Jira emulator', () => {
  it("gives an account its own zone, else the site's default (UTC until set)", () => {
    const db = openDatabase(':memory:');
    try {
      const store = new JiraStore(db);
      expect(store.timeZoneOf('acc-app')).toBe('UTC');
      store.setSiteTimeZone('America/Los_Angeles');
      store.setUserTimeZone('acc-ada', 'Europe/Berlin');
      expect(store.timeZoneOf('acc-app')).toBe('America/Los_Angeles');
      expect(store.timeZoneOf(null)).toBe('America/Los_Angeles');
      expect(store.timeZoneOf('acc-ada')).toBe('Europe/Berlin');
      store.setUserTimeZone('acc-ada', null);
      expect(store.timeZoneOf('acc-ada')).toBe('America/Los_Angeles');
      expect(() => store.setSiteTimeZone('Mars/Olympus_Mons')).toThrow(/Unknown time zone/);
    } finally {
      db.close();
    }
  });
});
