/**
 * The surface build leaves out Atlaskit code no surface runs: the lazy chunks (colour themes the host page
 * supplies, the rankable table body) and the Statsig client behind platform feature flags, which answers
 * every gate false until initialised, as it is in Custom UI (so each fg() flag is written as false).
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { build, type Plugin } from 'esbuild';
import { parseIsoDay } from '../../static/shared/date-format';
import {
  atlaskitLazyChunksLeftOut,
  compiledPrimitivesOnly,
  dateFnsLocaleTrimmed,
  dateFnsParseLeftOut,
  featureFlagsFolded,
  featureFlagsFoldedIn,
  featureGatesUninitialised,
  MULTI_SELECT_SURFACES,
  multiValueTagLeftOut,
  paginationLeftOut,
  surfaces,
  themeProviderLeftOut,
  tokensReplaced,
  ZOD_FREE_SURFACES,
  zodLeftOut,
} from '../../scripts/build-static';

const ROOT = path.resolve(__dirname, '../..');

async function bundle(contents: string, plugins: Plugin[]): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    minify: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    // The compiled components' stylesheets are not what these tests look at.
    loader: { '.css': 'empty' },
    plugins,
  });
  return result.outputFiles[0]!.text;
}

// The dark theme's page colour as its CSS says it, and a method only the real feature-gate client has.
const DARK_THEME_CSS = '--ds-surface: #1F1F21';
const STATSIG_CLIENT = 'assertInitialized';

describe('the surface build', () => {
  it('leaves the tokens themes, loaded with import(), out of the bundle (the control bundles them)', async () => {
    const entry =
      "import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme'; (globalThis as any).t = setGlobalTheme;";
    expect(await bundle(entry, [])).toContain(DARK_THEME_CSS);
    const trimmed = await bundle(entry, [atlaskitLazyChunksLeftOut]);
    expect(trimmed).not.toContain(DARK_THEME_CSS);
    expect(trimmed).toContain(
      'Not in this bundle (left out by scripts/build-static.ts): @atlaskit/tokens/dist/esm/artifacts/theme-import-map.js:./themes/atlassian-dark',
    );
    // Named from the package on: no path of the machine that built it.
    expect(trimmed).not.toMatch(/Not in this bundle[^"]*node_modules/);
  });

  it('answers feature gates false without the Statsig client, as the uninitialised client does', async () => {
    const entry =
      "import { fg } from '@atlaskit/platform-feature-flags'; (globalThis as any).gate = fg('any-gate');";
    expect(await bundle(entry, [])).toContain(STATSIG_CLIENT);
    const trimmed = await bundle(entry, [featureGatesUninitialised]);
    expect(trimmed).not.toContain(STATSIG_CLIENT);
    // Run it with a global of its own: the gate reads false, and nothing throws.
    const scope: { gate?: boolean } = {};
    vm.runInNewContext(trimmed, scope);
    expect(scope.gate).toBe(false);
  });

  it('refuses any other import of the feature-gate client, so nothing else silently loses it', async () => {
    await expect(
      bundle("import FG from '@atlaskit/feature-gate-js-client'; (globalThis as any).f = FG;", [
        featureGatesUninitialised,
      ]),
    ).rejects.toThrow(/only resolveBooleanFlag's import is replaced/);
  });

  it('serves the emotion-built Box and Pressable from the compiled build, so emotion stays out', async () => {
    const entry = [
      "import Box from '@atlaskit/primitives/box';",
      "import Pressable from '@atlaskit/primitives/pressable';",
      '(globalThis as any).parts = [Box, Pressable];',
    ].join('\n');
    // The marker of emotion's runtime: the class prefix every emotion style sheet writes.
    const EMOTION = 'data-emotion';
    expect(await bundle(entry, [])).toContain(EMOTION);
    const trimmed = await bundle(entry, [compiledPrimitivesOnly]);
    expect(trimmed).not.toContain(EMOTION);
    expect(trimmed).toContain('primitives/dist/esm/compiled/components/box.js');
    expect(trimmed).toContain('primitives/dist/esm/compiled/components/pressable.js');
  });

  it("writes token() calls as the CSS they return, as Atlaskit's babel plugin does", () => {
    const source = [
      "import { token } from '@atlaskit/tokens';",
      "const a = token('color.text');",
      "const b = token('space.100', '8px');",
    ].join('\n');
    const out = tokensReplaced(source, 'x.tsx');
    expect(out).toBe(['const a = "var(--ds-text)";', 'const b = "var(--ds-space-100, 8px)";'].join('\n'));
    expect(() => tokensReplaced(source.replace('color.text', 'color.txet'), 'x.tsx')).toThrow(
      "x.tsx: unknown design token 'color.txet'",
    );
    expect(() => tokensReplaced(`${source}\nconst c = token(name);`, 'x.tsx')).toThrow(/other than string/);
    // A file that does not import token() is left as it is.
    expect(tokensReplaced("const a = token('x');", 'y.ts')).toBe("const a = token('x');");
  });

  it('fails the build of a zod-free surface that imports zod, naming the importer; keys and types pass', async () => {
    expect(ZOD_FREE_SURFACES).toContain('outcome-map');
    await expect(
      bundle(
        "import { PROJECT_PAGE_RESOLVERS } from './src/contract/project-page'; (globalThis as any).r = PROJECT_PAGE_RESOLVERS;",
        [zodLeftOut('outcome-map')],
      ),
    ).rejects.toThrow(/static\/outcome-map carries no zod, but src\/contract\/project-page\.ts imports it/);
    const keysOnly = await bundle(
      [
        "import { PROJECT_PAGE_RESOLVERS } from './src/contract/project-page-keys';",
        "import type { OutcomeView } from './src/contract/project-page';",
        'const view: OutcomeView | null = null;',
        '(globalThis as any).r = [PROJECT_PAGE_RESOLVERS.load, view];',
      ].join('\n'),
      [zodLeftOut('outcome-map')],
    );
    expect(keysOnly).toContain('"mapSummary"');
  });

  it("leaves Atlaskit's pagination (and the legacy button under it) out of DynamicTable, failing loudly if drawn", async () => {
    const entry = "import DynamicTable from '@atlaskit/dynamic-table'; (globalThis as any).t = DynamicTable;";
    // The pagination's own navigator names, and the legacy button's emotion styles under it.
    expect(await bundle(entry, [])).toContain('left-navigator');
    const trimmed = await bundle(entry, [paginationLeftOut]);
    expect(trimmed).not.toContain('left-navigator');
    expect(trimmed).toContain('A table was given rowsPerPage, but Atlaskit pagination is left out');
    await expect(
      bundle("import P from '@atlaskit/pagination'; (globalThis as any).p = P;", [paginationLeftOut]),
    ).rejects.toThrow(/only DynamicTable's is left out/);
  });

  it("writes Atlaskit's fg() flags as the false they answer here, so the side never taken leaves the bundle", async () => {
    const entry = "import Tooltip from '@atlaskit/tooltip'; (globalThis as any).t = Tooltip;";
    // The tooltip's top-layer side (behind fg('platform-dst-top-layer-tooltip')) opens with showPopover().
    const TOP_LAYER = 'showPopover';
    expect(await bundle(entry, [featureGatesUninitialised])).toContain(TOP_LAYER);
    const folded = await bundle(entry, [featureGatesUninitialised, featureFlagsFolded]);
    expect(folded).not.toContain(TOP_LAYER);
    expect(folded).not.toContain('platform-dst-top-layer-tooltip');
  });

  it('folds only literal flag names, and refuses code that would set a flag resolver', () => {
    const header = "import { fg } from '@atlaskit/platform-feature-flags/fg';\n";
    expect(featureFlagsFoldedIn(`${header}const a = fg('x') ? 1 : 2; const b = o.fg('y');`, 'a.js')).toBe(
      `${header}const a = false ? 1 : 2; const b = o.fg('y');`,
    );
    // A file that does not import fg keeps its own function of that name.
    expect(featureFlagsFoldedIn("const c = fg('x');", 'b.js')).toBe("const c = fg('x');");
    expect(() => featureFlagsFoldedIn(`${header}const d = fg(name);`, 'c.js')).toThrow(/not a plain string/);
    expect(() => featureFlagsFoldedIn("import { setBooleanFeatureFlagResolver } from 'x';", 'd.js')).toThrow(
      /sets a feature-flag resolver/,
    );
  });

  // A part left out of a bundle: the marker (code only that part brings) is gone, a stand-in that fails loudly
  // if it is ever drawn takes its place, and any other import of the part fails the build.
  it.each([
    {
      part: "Atlaskit's tag, out of single selects",
      entry: "import Select from '@atlaskit/select'; (globalThis as any).s = Select;",
      plugin: multiValueTagLeftOut,
      // The removable tag's own remove-button label.
      marker: 'tag-new',
      standIn: 'A Select was given isMulti, but Atlaskit tag is left out',
      otherImport: "import T from '@atlaskit/tag'; (globalThis as any).t = T;",
      refusal: /only react-select's multi value tag is left out/,
    },
    {
      part: "the theme provider, out of Atlaskit's portal",
      entry: "import Portal from '@atlaskit/portal'; (globalThis as any).p = Portal;",
      plugin: themeProviderLeftOut,
      // The provider's colour-mode reconciler, one of the functions it brings with the portal unless left out.
      marker: 'getReconciledColorMode',
      standIn: 'A ThemeProvider was drawn, but it is left out of this bundle',
      otherImport:
        "import { ThemeProvider } from '@atlaskit/app-provider/theme-provider'; (globalThis as any).t = ThemeProvider;",
      refusal: /only the portal's import is left out/,
    },
  ])('leaves $part, failing loudly if drawn, and refuses any other import of it', async (left) => {
    expect(await bundle(left.entry, [])).toContain(left.marker);
    const trimmed = await bundle(left.entry, [left.plugin]);
    expect(trimmed).not.toContain(left.marker);
    expect(trimmed).toContain(left.standIn);
    await expect(bundle(left.otherImport, [left.plugin])).rejects.toThrow(left.refusal);
  });

  it('draws a multi select only on the surfaces listed, and a theme provider on none', () => {
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.tsx?$/.test(f))
        .map((f) => fs.readFileSync(path.join(ROOT, dir, f), 'utf8'));
    const writesMulti = (dir: string): boolean => sources(dir).some((source) => /\bisMulti\b/.test(source));
    // Only the surfaces listed write isMulti (the gadget's project picker); the others and the shared code do not.
    for (const surface of surfaces())
      expect([surface, writesMulti(`static/${surface}/src`)]).toEqual([
        surface,
        MULTI_SELECT_SURFACES.includes(surface),
      ]);
    expect(writesMulti('static/shared')).toBe(false);
    // No surface draws a theme provider of its own: the host page themes them.
    for (const dir of ['static/shared', ...surfaces().map((surface) => `static/${surface}/src`)])
      for (const source of sources(dir)) expect(source).not.toMatch(/@atlaskit\/app-provider/);
  });

  it("leaves the English locale's distance words and name matchers out, and refuses a bundle that would need them", async () => {
    const picker =
      "import DatePicker from '@atlaskit/datetime-picker/date-picker'; (globalThis as any).d = DatePicker;";
    // "less than a second" is formatDistance's, "'last' eeee 'at' p" formatRelative's, and the month matcher's
    // /^(j|f|m|a|s|o|n|d)/i parse's: all three ship with the picker unless left out.
    const leftOut = ['less than a second', "'last' eeee 'at' p", 'matchMonthPatterns'];
    const whole = await bundle(picker, [dateFnsParseLeftOut]);
    for (const words of leftOut.slice(0, 2)) expect(whole).toContain(words);
    const trimmed = await bundle(picker, [dateFnsParseLeftOut, dateFnsLocaleTrimmed]);
    for (const words of leftOut) expect(trimmed).not.toContain(words);
    expect(trimmed).toContain('date-fns en-US ./_lib/match/index.js is left out of this bundle');
    // The picker still formats days and names months with what stays: format and the locale's localize.
    expect(trimmed).toContain('December');
    for (const needsThem of ['formatDistance', 'formatRelative', 'parse'])
      await expect(
        bundle(`import { ${needsThem} } from 'date-fns'; (globalThis as any).f = ${needsThem};`, [
          dateFnsLocaleTrimmed,
        ]),
      ).rejects.toThrow(/needs the en-US locale parts this build leaves out/);
  });

  it("leaves date-fns' parse out of the date picker, which every picker of the app never calls", async () => {
    const entry =
      "import DatePicker from '@atlaskit/datetime-picker/date-picker'; (globalThis as any).d = DatePicker;";
    // A token parser's own class name, one of the ~30 parse brings.
    const PARSER = 'StandAloneLocalDayParser';
    expect(await bundle(entry, [])).toContain(PARSER);
    const trimmed = await bundle(entry, [dateFnsParseLeftOut]);
    expect(trimmed).not.toContain(PARSER);
    expect(trimmed).toContain('A DatePicker was given no parseInputValue, but date-fns parse is left out');
    // Only the picker's import is replaced: date-fns' parse is still there for anything else.
    expect(
      await bundle("import { parse } from 'date-fns'; (globalThis as any).p = parse;", [dateFnsParseLeftOut]),
    ).toContain(PARSER);
    // Every date picker the app draws is the shared TypedDatePicker, and it gives Atlaskit's DATE_PICKER_FORMAT,
    // whose parseInputValue reads typed dates.
    const dirs = ['static/shared', ...surfaces().map((surface) => `static/${surface}/src`)];
    const files = dirs.flatMap((dir) =>
      fs
        .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.tsx'))
        .map((f) => ({ file: path.join(dir, f), text: fs.readFileSync(path.join(ROOT, dir, f), 'utf8') })),
    );
    const importers = files.filter((f) => /@atlaskit\/datetime-picker/.test(f.text)).map((f) => f.file);
    expect(importers).toEqual([path.join('static/shared', 'TypedDatePicker.tsx')]);
    const pickers = files.flatMap(({ text }) =>
      text
        .split('<DatePicker')
        .slice(1)
        .map((rest) => rest.split('/>')[0]!),
    );
    expect(pickers).toHaveLength(1);
    expect(pickers[0]).toContain('{...DATE_PICKER_FORMAT}');
    // Each form's date is drawn with it: the panel's DateInput and the project page's pickers.
    const drawn = files.filter((f) => /<TypedDatePicker\b/.test(f.text)).map((f) => f.file);
    expect(drawn.length).toBeGreaterThanOrEqual(3);
  });

  it('reads a typed date as the picker format says, and nothing else', () => {
    const day = (d: Date) => [d.getFullYear(), d.getMonth() + 1, d.getDate()];
    expect(day(parseIsoDay('2027-06-30'))).toEqual([2027, 6, 30]);
    expect(day(parseIsoDay(' 2027-06-03 '))).toEqual([2027, 6, 3]);
    expect(parseIsoDay('2027-06-30').getHours()).toBe(0);
    // A one-digit day is a date still being typed ("2027-04-3" on the way to the 31st), never a day to keep.
    for (const text of [
      '2027-02-30',
      '2027-13-01',
      '30/06/2027',
      '2027-06',
      '',
      'tomorrow',
      '2027-04-3',
      '2027-6-30',
    ])
      expect(Number.isNaN(parseIsoDay(text).getTime())).toBe(true);
  });
});
