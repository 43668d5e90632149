import fs from 'node:fs';
import path from 'node:path';

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
