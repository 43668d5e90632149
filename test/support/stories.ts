import fs from 'node:fs';
import path from 'node:path';
import { checkHypothesisQuality, type QualityCheck } from '../../src/domain/hypothesis-quality';
import { parseStory } from '../../src/domain/story-parser';

/** The published user stories of `data/user-stories/*.txt`, one a line, without their "#G02#" ids. */
export function storyLines(): string[] {
  const dir = path.resolve(__dirname, '../../data/user-stories');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .map((line) => line.replace(/^#G\d+#\s*/, '').trim())
    .filter(Boolean);
}

/**
 * The quality checks of a story's parts as the panel's fields would hold them (no expectation, no story text):
 * the judgement the panel gives, to set beside the CLI's on the whole story.
 */
export function fieldChecks(parts: {
  persona: string | null;
  intent: string | null;
  benefit: string | null;
}): QualityCheck[] {
  return checkHypothesisQuality({
    hypothesis: {
      persona: parts.persona ?? undefined,
      intent: parts.intent ?? undefined,
      benefit: parts.benefit ?? undefined,
    },
    expected: [],
  });
}

/** Each expectation the story parser reads in `text`, as [metric, baseline, target, unit, direction, checkBy]. */
export function expectationRows(text: string, now: Date): unknown[][] {
  return parseStory(text, { now }).expectedOutcomes.map((e) => [
    e.metric,
    e.baseline,
    e.target,
    e.unit,
    e.direction,
    e.checkBy,
  ]);
}
