/**
 * The domain bench's measured loop: parse + recipe detection + score per story, on one core, over the real
 * annotated stories (repeated to a fixed count). Run by test/bench/domain.ts in a process of its own, once
 * bundled and once under tsx; prints its figures as one JSON line.
 */
import { analyseStory } from '../../../src/domain/analyse-story';
import { DEFAULT_SETTINGS } from '../../../src/domain/settings';
import { storyLines } from '../../support/stories';

const stories = storyLines();
const now = new Date('2026-11-21T12:00:00Z');
const ROUNDS = 200_000;

// Warm up the JIT before measuring.
for (let i = 0; i < 20_000; i++) analyseStory(stories[i % stories.length]!, DEFAULT_SETTINGS, now);

const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
let checksum = 0;
for (let i = 0; i < ROUNDS; i++)
  checksum += analyseStory(stories[i % stories.length]!, DEFAULT_SETTINGS, now).score.total;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
// CPU time of this process too: on a machine shared with other work, wall time also counts the waits for a core.
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

console.log(
  JSON.stringify({ distinctStories: stories.length, stories: ROUNDS, seconds, cpuSeconds, checksum }),
);
