/** `npm start` options: the Jira latency scale and the rate limits. */
import { parseArgs } from '../../workbench/main';

describe('npm start options', () => {
  it('runs Jira at the realistic latency with its rate limits unless told otherwise', () => {
    expect(parseArgs([])).toMatchObject({ latencyScale: 1, rateLimits: true });
    expect(parseArgs(['--latency', '0.25', '--rate-limits', 'off'])).toMatchObject({
      latencyScale: 0.25,
      rateLimits: false,
    });
    expect(parseArgs(['--latency', '0'])).toMatchObject({ latencyScale: 0 });
  });

  it('refuses a latency that is not a scale and a rate-limit switch other than on or off', () => {
    expect(() => parseArgs(['--latency', 'slow'])).toThrow('--latency needs a scale >= 0');
    expect(() => parseArgs(['--latency', '-1'])).toThrow('--latency needs a scale >= 0');
    expect(() => parseArgs(['--rate-limits', 'yes'])).toThrow('--rate-limits takes on or off');
    expect(() => parseArgs(['--latency'])).toThrow('--latency needs a value');
  });
});
