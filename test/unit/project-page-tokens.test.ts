/**
 * The project page's own stylesheet and chart take colour, spacing and type from Atlassian design tokens only, so
 * both themes follow Jira's: every colour, space and font is a `var(--ds-…)` token (its light value as the
 * fallback), and the chart's colours come through `token()`.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../static/outcome-map/src');
const css = fs.readFileSync(path.join(SRC, 'page.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

/** Every `property: value` declaration of the stylesheet. */
function declarations(text: string): Array<{ property: string; value: string }> {
  return [...text.matchAll(/([a-z-]+)\s*:\s*([^;{}]+);/g)].map((m) => ({
    property: m[1]!,
    value: m[2]!.trim(),
  }));
}

/** The value with each token reference (and the fallback inside it) taken out. */
const withoutTokens = (value: string) =>
  value.replace(/var\(--ds-[a-z0-9-]+(?:,[^()]*(?:\([^()]*\))?[^()]*)?\)/g, '');

describe('the project page stylesheet', () => {
  const all = declarations(css);

  it('is read (the check finds declarations)', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('names colours only through design tokens', () => {
    const colour = /#[0-9a-f]{3,8}\b|\brgba?\(|\bhsla?\(|\b(?:white|black|red|blue|green|gray|grey)\b/i;
    expect(all.filter((d) => colour.test(withoutTokens(d.value)))).toEqual([]);
  });

  it('spaces with tokens (or nothing) and sets type with font tokens', () => {
    const spacing = all.filter((d) => /^(?:margin|padding|gap)(?:-|$)/.test(d.property));
    expect(spacing.length).toBeGreaterThan(10);
    expect(spacing.filter((d) => /\d+px/.test(withoutTokens(d.value)))).toEqual([]);
    const type = all.filter((d) => /^font(?:-size|-family)?$/.test(d.property));
    expect(type.length).toBeGreaterThan(3);
    expect(type.filter((d) => !d.value.startsWith('var(--ds-font'))).toEqual([]);
  });

  it('the chart draws in token() colours', () => {
    const chart = fs.readFileSync(path.join(SRC, 'Chart.tsx'), 'utf8');
    expect(chart).toMatch(/from '@atlaskit\/tokens'/);
    expect(chart.match(/token\('color\./g)?.length).toBeGreaterThanOrEqual(3);
    expect(chart.replace(/token\([^)]*\)/g, '')).not.toMatch(/#[0-9a-f]{3,8}\b/i);
  });
});
