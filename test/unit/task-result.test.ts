import { failedIssuesOfTask } from '../../src/jira/client';

describe('the issues a bulk property task did not write', () => {
  it('reads the result as an object or a JSON string, each entry an id or an object naming the issue', () => {
    const failed = [{ issueId: 10001, message: 'No permission.' }, 10002, { issueID: '10003' }];
    for (const result of [{ failed }, JSON.stringify({ failed })])
      expect([...failedIssuesOfTask({ result })]).toEqual([
        [10001, 'No permission.'],
        [10002, 'Jira did not write the property.'],
        [10003, 'Jira did not write the property.'],
      ]);
  });

  it('finds none in a result without a failed list', () => {
    for (const result of [undefined, null, 'the task result', { updated: [10001] }, { failed: 'x' }])
      expect(failedIssuesOfTask({ result }).size).toBe(0);
  });
});
