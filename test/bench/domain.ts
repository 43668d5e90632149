/**
 * Domain throughput: parse + recipe detection + score per story, on one core, over the real annotated stories
 * (repeated to a fixed count). Target: at least 50,000 stories/s.
 */
import { analyseStory } from '../../src/domain/analyse-story';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { storyLines } from '../support/stories';

const stories = storyLines();

const now = new Date('2026-11-21T12:00:00Z');
const TARGET = 50_000;
const ROUNDS = 200_000;

// Warm up the JIT before measuring.
for (let i = 0; i < 20_000; i++) analyseStory(stories[i % stories.length]!, DEFAULT_SETTINGS, now);

const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
let checksum = 0;
for (let i = 0; i < ROUNDS; i++)
  checksum += analyseStory(stories[i % stories.length]!, DEFAULT_SETTINGS, now).score.total;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const perSecond = Math.round(ROUNDS / seconds);
// CPU time of this process too: on a machine shared with other work, wall time also counts the waits for a core.
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const perCpuSecond = Math.round(ROUNDS / cpuSeconds);

console.log(
  JSON.stringify(
    {
      bench: 'domain',
      what: 'parse + detect recipe + score, one story line at a time, one core',
      distinctStories: stories.length,
      stories: ROUNDS,
      seconds: Math.round(seconds * 1000) / 1000,
      storiesPerSecond: perSecond,
      microsecondsPerStory: Math.round((seconds / ROUNDS) * 1e6 * 100) / 100,
      target: TARGET,
      meetsTarget: perSecond >= TARGET,
      cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
      storiesPerCpuSecond: perCpuSecond,
      meetsTargetOnCpuTime: perCpuSecond >= TARGET,
      checksum,
    },
    null,
    2,
  ),
);
