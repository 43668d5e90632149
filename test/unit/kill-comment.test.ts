import { killCommentAdf } from '../../src/services/kill-review';

describe("the kill review's comment on Jira", () => {
  it('names each rule with the day it holds since, and a rule stored without its day without one', () => {
    const text = JSON.stringify(
      killCommentAdf(
        'No longer wanted',
        [
          { rule: 'idle', since: '2026-08-01' },
          { rule: 'carried', since: '' },
        ],
        'Won’t Do',
      ),
    );
    expect(text).toContain('(since 2026-08-01)');
    expect(text).not.toContain('(since )');
  });
});
