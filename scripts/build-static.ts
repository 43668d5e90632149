/**
 * Builds every Custom UI surface: static/<surface>/src/index.tsx → static/<surface>/build/{index.html,main.js,
 * main.css}. Asset paths are relative because Forge serves each surface from a resource path inside an iframe.
 * Styles are a linked stylesheet (the CSS the surface imports, bundled by esbuild): Forge's CSP allows
 * style-src 'self' but no inline <style> unless the manifest declares `permissions.content.styles`.
 * Usage: tsx scripts/build-static.ts [surface...] [--watch] [--analyze]
 * `--analyze` also prints, per surface, its gzipped size and the packages and source files that weigh most in
 * it (minified bytes each contributes), to see what to cut before a budget is spent.
 */
import { build, context, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(__dirname, '..');
const STATIC = path.join(ROOT, 'static');

export function surfaces(): string[] {
  return fs
    .readdirSync(STATIC, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(STATIC, d.name, 'src', 'index.tsx')))
    .map((d) => d.name);
}

function html(title: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <link rel="stylesheet" href="./main.css" />
  </head>
  <body>
    <div id="root"></div>
    <script src="./main.js"></script>
  </body>
</html>
`;
}

/**
 * zod's `z` namespace re-exports every locale (about 40 KB gzipped) and esbuild cannot shake a namespace. The
 * surfaces speak English, which zod imports on its own: the bundle of all other locales is left out.
 */
const englishOnlyZod: Plugin = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'zod-no-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-no-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Atlaskit loads some code on demand with `import()`: every colour theme of @atlaskit/tokens (its
 * theme-import-map), the theme generator behind `setGlobalTheme`, and @atlaskit/dynamic-table's rankable body.
 * Forge serves a surface as one script, and esbuild inlines a dynamic import into an IIFE, so all of that
 * would ship though no surface runs it: the host page supplies the theme (`view.theme.enable()`) and no table
 * is rankable. Each such import becomes a chunk that rejects when loaded, so a surface that ever needs one
 * fails loudly instead of silently drawing without it.
 */
export const atlaskitLazyChunksLeftOut: Plugin = {
  name: 'atlaskit-lazy-chunks-left-out',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' && /[\\/]node_modules[\\/]@atlaskit[\\/]/.test(args.importer)
        ? {
            // Named from node_modules on, so the bundle carries no path of the machine that built it.
            path: `${args.importer.replace(/^.*[\\/]node_modules[\\/]/, '').replace(/\\/g, '/')}:${args.path}`,
            namespace: 'atlaskit-lazy-left-out',
          }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'atlaskit-lazy-left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`Not in this bundle (left out by scripts/build-static.ts): ${args.path}`)});`,
      loader: 'js',
    }));
  },
};

/**
 * @atlaskit/platform-feature-flags reads a gate from the Statsig client of @atlaskit/feature-gate-js-client
 * when the product sets no resolver. A Forge Custom UI never initialises that client, and its `checkGate`
 * answers false when uninitialised (dist/esm/client/Client.js): the same answer, without ~30 KB gzipped of a
 * client that never runs. The build fails if anything else starts importing it, so nothing else loses it.
 */
const FEATURE_GATES = '@atlaskit/feature-gate-js-client/feature-gates';
export const featureGatesUninitialised: Plugin = {
  name: 'feature-gates-uninitialised',
  setup(b) {
    b.onResolve({ filter: /^@atlaskit\/feature-gate-js-client(?:\/|$)/ }, (args) => {
      if (
        args.path !== FEATURE_GATES ||
        !/[\\/]@atlaskit[\\/]platform-feature-flags[\\/]dist[\\/]esm[\\/]resolveBooleanFlag\.js$/.test(
          args.importer,
        )
      )
        return {
          errors: [
            { text: `${args.importer} imports ${args.path}: only resolveBooleanFlag's import is replaced` },
          ],
        };
      return { path: FEATURE_GATES, namespace: 'feature-gates-uninitialised' };
    });
    b.onLoad({ filter: /.*/, namespace: 'feature-gates-uninitialised' }, () => ({
      contents: 'export default { checkGate: function () { return false; } };',
      loader: 'js',
    }));
  },
};

/**
 * Two Atlaskit components still import a primitive from the emotion build of @atlaskit/primitives: Lozenge's
 * interactive trigger (`@atlaskit/primitives/pressable`, given compiled `cx()` styles) and Calendar's week rows
 * (`@atlaskit/primitives/box`, given no styles). That one import brings emotion, stylis and every emotion
 * primitive with their style maps (12 KB gzipped on settings) into bundles whose other Atlaskit code uses the
 * compiled build. Each is served the same component of the same package version from
 * `@atlaskit/primitives/compiled`, which takes the props these two pass (Atlaskit's own eslint note at both
 * imports reads "TODO: migrate to @atlaskit/primitives/compiled").
 */
const COMPILED_PRIMITIVES: Record<string, string> = { box: 'Box', pressable: 'Pressable' };
export const compiledPrimitivesOnly: Plugin = {
  name: 'compiled-primitives-only',
  setup(b) {
    b.onResolve({ filter: /^@atlaskit\/primitives\/(?:box|pressable)$/ }, (args) => {
      const name = args.path.slice('@atlaskit/primitives/'.length);
      return { path: name, namespace: 'compiled-primitive', pluginData: { resolveDir: args.resolveDir } };
    });
    b.onLoad({ filter: /.*/, namespace: 'compiled-primitive' }, (args) => {
      const component = COMPILED_PRIMITIVES[args.path]!;
      return {
        contents: `export { ${component} as default, ${component} } from '@atlaskit/primitives/compiled/${args.path}';`,
        loader: 'js',
        resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
      };
    });
  },
};

/**
 * `token('color.text', '#172B4D')` from @atlaskit/tokens looks its name up at run time in a map of every token
 * (~5 KB gzipped). Atlaskit's own babel plugin (@atlaskit/tokens/babel-plugin) replaces each call with the
 * string it returns, `var(--ds-text, #172B4D)`; this does the same for the surfaces' sources, from the same
 * map (@atlaskit/tokens/token-names), so the map stays out of the bundle. A token name the map does not know,
 * or a call whose arguments are not plain strings, fails the build instead of drawing an empty colour.
 */
const TOKEN_IMPORT = /^import \{ token \} from '@atlaskit\/tokens';\n/m;
const TOKEN_CALL = /\btoken\(\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)/g;
export function tokensReplaced(source: string, file: string): string {
  if (!TOKEN_IMPORT.test(source)) return source;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS artifact, read once per build
  const names = (require('@atlaskit/tokens/token-names') as { default: Record<string, string> }).default;
  const replaced = source
    .replace(TOKEN_IMPORT, '')
    .replace(TOKEN_CALL, (_call, name: string, fallback?: string) => {
      const cssVar = names[name];
      if (!cssVar) throw new Error(`${file}: unknown design token '${name}'`);
      return JSON.stringify(fallback ? `var(${cssVar}, ${fallback})` : `var(${cssVar})`);
    });
  if (/\btoken\(/.test(replaced.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
    throw new Error(
      `${file}: a token() call with other than string arguments; write the name and fallback as strings`,
    );
  return replaced;
}
export const tokensAtBuildTime: Plugin = {
  name: 'tokens-at-build-time',
  setup(b) {
    b.onLoad({ filter: /[\\/]static[\\/].*\.tsx?$/ }, async (args) => {
      if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
      const source = await fs.promises.readFile(args.path, 'utf8');
      return { contents: tokensReplaced(source, args.path), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

/**
 * DynamicTable draws Atlaskit's pagination only when it has more than one page, which needs `rowsPerPage`; no
 * surface pages a table (the resolvers page, with "Load more"). The pagination is built on Atlaskit's legacy
 * button, which brings emotion back (about 12 KB gzipped on settings). It is left out: in its place a component
 * that throws if it is ever drawn, so a table given `rowsPerPage` fails loudly instead of losing its pages.
 */
const PAGINATION_IMPORTER =
  /[\\/]@atlaskit[\\/]dynamic-table[\\/]dist[\\/]esm[\\/]components[\\/]managed-pagination\.js$/;
export const paginationLeftOut: Plugin = {
  name: 'pagination-left-out',
  setup(b) {
    b.onResolve({ filter: /^@atlaskit\/pagination(?:\/|$)/ }, (args) =>
      PAGINATION_IMPORTER.test(args.importer)
        ? { path: args.path, namespace: 'pagination-left-out' }
        : { errors: [{ text: `${args.importer} imports ${args.path}: only DynamicTable's is left out` }] },
    );
    b.onLoad({ filter: /.*/, namespace: 'pagination-left-out' }, () => ({
      contents:
        "export default function Pagination() { throw new Error('A table was given rowsPerPage, but Atlaskit pagination is left out of this bundle (scripts/build-static.ts)'); }",
      loader: 'js',
    }));
  },
};

/**
 * Atlaskit's DatePicker reads a typed date with date-fns' `parse` (its ~30 token parsers, about 6 KB gzipped)
 * unless it is given `parseInputValue`. Every picker of the app is (static/shared/date-format.ts,
 * DATE_PICKER_FORMAT), so the picker's parse-date module gets date-fns without `parse`: in its place a function
 * that throws, so a picker added without DATE_PICKER_FORMAT fails loudly on its first typed date.
 */
const PARSE_DATE_IMPORTER =
  /[\\/]@atlaskit[\\/]datetime-picker[\\/]dist[\\/]esm[\\/]internal[\\/]parse-date\.js$/;
export const dateFnsParseLeftOut: Plugin = {
  name: 'date-fns-parse-left-out',
  setup(b) {
    b.onResolve({ filter: /^date-fns$/ }, (args) =>
      PARSE_DATE_IMPORTER.test(args.importer)
        ? { path: 'date-fns', namespace: 'date-fns-parse-left-out', pluginData: path.dirname(args.importer) }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'date-fns-parse-left-out' }, (args) => ({
      contents:
        "export { isValid } from 'date-fns';\n" +
        "export function parse() { throw new Error('A DatePicker was given no parseInputValue, but date-fns parse is left out of this bundle (scripts/build-static.ts)'); }",
      loader: 'js',
      resolveDir: args.pluginData as string,
    }));
  },
};

/**
 * date-fns' English locale carries the words of `formatDistance` and `formatRelative` ("about 3 hours", "last
 * Monday at") and the matchers `parse` reads month and day names with (about 1.5 KB gzipped). The surfaces call
 * neither, and the pickers' `parse` is left out above; the pickers and calendars format with the locale's
 * `localize` and `formatLong`, which stay. In their place, functions that throw; and the build fails if a
 * function that needs them (formatDistance and its kin, parse) is in a bundle.
 */
const EN_US_LOCALE = /[\\/]date-fns[\\/]esm[\\/]locale[\\/]en-US[\\/]index\.js$/;
const NEEDS_LEFT_OUT_LOCALE_PARTS =
  /[\\/]date-fns[\\/]esm[\\/](?:formatDistance|formatDistanceStrict|formatDistanceToNow|formatDistanceToNowStrict|formatRelative|formatDuration|intlFormatDistance|parse)[\\/]index\.js$/;
export const dateFnsLocaleTrimmed: Plugin = {
  name: 'date-fns-locale-trimmed',
  setup(b) {
    b.initialOptions.metafile = true;
    b.onResolve({ filter: /^\.\/_lib\/(?:formatDistance|formatRelative|match)\/index\.js$/ }, (args) =>
      EN_US_LOCALE.test(args.importer)
        ? { path: args.path, namespace: 'date-fns-locale-trimmed' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'date-fns-locale-trimmed' }, (args) => ({
      contents: `export default function leftOut() { throw new Error(${JSON.stringify(`date-fns en-US ${args.path} is left out of this bundle (scripts/build-static.ts)`)}); }`,
      loader: 'js',
    }));
    b.onEnd((result) => ({
      errors: Object.values(result.metafile?.outputs ?? {}).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([file, input]) => input.bytesInOutput > 0 && NEEDS_LEFT_OUT_LOCALE_PARTS.test(file))
          .map(([file]) => ({
            text: `${file.replace(/^.*[\\/]node_modules[\\/]/, '')} needs the en-US locale parts this build leaves out (dateFnsLocaleTrimmed)`,
          })),
      ),
    }));
  },
};

/**
 * Atlaskit's portal (under every picker's calendar, select menu and flag) re-wraps its content in the theme
 * provider it was drawn inside, and brings that provider to do so: its theme loader, the global theme setter
 * and the async runtime they are compiled with (about 4 KB gzipped). No surface draws a ThemeProvider (the
 * host page themes them, `view.theme.enable()`), so the portal never does either: in its place a component
 * that throws if ever drawn. Any other import of it fails the build, so nothing else silently loses it.
 */
const PORTAL_IMPORTER =
  /[\\/]@atlaskit[\\/]portal[\\/]dist[\\/]esm[\\/]internal[\\/]components[\\/]internal-portal(?:-new)?\.js$/;
export const themeProviderLeftOut: Plugin = {
  name: 'theme-provider-left-out',
  setup(b) {
    b.onResolve({ filter: /^@atlaskit\/app-provider\/theme-provider$/ }, (args) =>
      PORTAL_IMPORTER.test(args.importer)
        ? { path: args.path, namespace: 'theme-provider-left-out' }
        : {
            errors: [{ text: `${args.importer} imports ${args.path}: only the portal's import is left out` }],
          },
    );
    b.onLoad({ filter: /.*/, namespace: 'theme-provider-left-out' }, () => ({
      contents:
        "export function ThemeProvider() { throw new Error('A ThemeProvider was drawn, but it is left out of this bundle (themeProviderLeftOut in scripts/build-static.ts)'); }",
      loader: 'js',
    }));
  },
};

/**
 * react-select draws each chosen value of a multi select as Atlaskit's removable tag, which brings @atlaskit/tag,
 * its motion and icons (about 6 KB gzipped). Only the surfaces in MULTI_SELECT_SURFACES have a Select with
 * `isMulti`; the others leave the tag out: in its place a component that throws if it is ever drawn, so a multi
 * select added to such a surface fails loudly (add the surface to the list) instead of drawing nothing.
 */
export const MULTI_SELECT_SURFACES: readonly string[] = ['gadget'];
const MULTI_VALUE_IMPORTER =
  /[\\/]@atlaskit[\\/]react-select[\\/]dist[\\/]esm[\\/]components[\\/]multi-value\.js$/;
export const multiValueTagLeftOut: Plugin = {
  name: 'multi-value-tag-left-out',
  setup(b) {
    b.onResolve({ filter: /^@atlaskit\/tag(?:\/|$)/ }, (args) =>
      MULTI_VALUE_IMPORTER.test(args.importer)
        ? { path: args.path, namespace: 'multi-value-tag-left-out' }
        : {
            errors: [
              {
                text: `${args.importer} imports ${args.path}: only react-select's multi value tag is left out`,
              },
            ],
          },
    );
    b.onLoad({ filter: /.*/, namespace: 'multi-value-tag-left-out' }, () => ({
      contents:
        "export default function RemovableTag() { throw new Error('A Select was given isMulti, but Atlaskit tag is left out of this surface (MULTI_SELECT_SURFACES in scripts/build-static.ts)'); }",
      loader: 'js',
    }));
  },
};

/**
 * Surfaces that carry no zod, about 27 KB gzipped of each budget: they leave validation to their resolvers
 * (which answer each refusal at its field), or, as the issue panel, judge typed values with zod-free domain
 * rules the resolver's schema is built from. They import resolver keys from the zod-free src/contract/*-keys.ts
 * modules and contract types with `import type`; an import that would bring zod back fails the build, naming
 * the importer, instead of quietly spending the budget (and, under Forge's CSP, zod v4 probes `new Function`
 * unless set jitless: the shim that did so is gone with the last surface that needed it).
 */
export const ZOD_FREE_SURFACES: readonly string[] = ['outcome-map', 'settings', 'gadget', 'issue-panel'];
export function zodLeftOut(surface: string): Plugin {
  return {
    name: 'zod-left-out',
    setup(b) {
      b.onResolve({ filter: /^zod(?:\/|$)/ }, (args) => ({
        errors: [
          {
            text: `static/${surface} carries no zod, but ${path.relative(ROOT, args.importer)} imports it: import keys from src/contract/*-keys.ts and types with \`import type\``,
          },
        ],
      }));
    },
  };
}

/**
 * Atlaskit keeps both sides of each feature flag it is rolling out (`fg('platform-dst-top-layer')` chooses between
 * the popper and the top-layer popover, for one), so every bundle carries code for both. In a Custom UI every
 * `fg()` answers false: no code here sets a boolean resolver (setBooleanFeatureFlagResolver), the env overrides
 * read `process`, which the browser has not, and the feature-gate client is the uninitialised one above
 * (@atlaskit/platform-feature-flags/dist/esm/resolveBooleanFlag.js). So each `fg('name')` call in Atlaskit's
 * code is written as `false` at build time, and the minifier drops the side never taken (about 14 KB gzipped a
 * surface). A call with other than a literal name, or Atlaskit code that sets a resolver, fails the build.
 */
const FG_IMPORT = /^import \{ fg \} from '@atlaskit\/platform-feature-flags(?:\/fg)?';$/m;
const FG_CALL = /(?<![\w$.])fg\('[^'\\]*'\)/g;
export function featureFlagsFoldedIn(source: string, file: string): string {
  if (/setBooleanFeatureFlagResolver|setBooleanResolver/.test(source))
    throw new Error(`${file} sets a feature-flag resolver: fg() can no longer be folded to false`);
  if (!FG_IMPORT.test(source)) return source;
  const folded = source.replace(FG_CALL, 'false');
  if (/(?<![\w$.])fg\(/.test(folded.replace(FG_IMPORT, '')))
    throw new Error(`${file}: an fg() call whose flag name is not a plain string; it cannot be folded`);
  return folded;
}
export const featureFlagsFolded: Plugin = {
  name: 'feature-flags-folded',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]@atlaskit[\\/].*\.js$/ }, async (args) => {
      if (/[\\/]@atlaskit[\\/]platform-feature-flags[\\/]/.test(args.path)) return undefined;
      const source = await fs.promises.readFile(args.path, 'utf8');
      const folded = featureFlagsFoldedIn(source, args.path);
      return folded === source ? undefined : { contents: folded, loader: 'js' };
    });
  },
};

function options(surface: string): BuildOptions {
  return {
    entryPoints: [path.join(STATIC, surface, 'src', 'index.tsx')],
    outfile: path.join(STATIC, surface, 'build', 'main.js'),
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'iife',
    target: ['es2020'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [
      englishOnlyZod,
      atlaskitLazyChunksLeftOut,
      featureGatesUninitialised,
      compiledPrimitivesOnly,
      tokensAtBuildTime,
      paginationLeftOut,
      dateFnsParseLeftOut,
      dateFnsLocaleTrimmed,
      themeProviderLeftOut,
      featureFlagsFolded,
      ...(MULTI_SELECT_SURFACES.includes(surface) ? [] : [multiValueTagLeftOut]),
      ...(ZOD_FREE_SURFACES.includes(surface) ? [zodLeftOut(surface)] : []),
    ],
  };
}

export async function buildSurface(surface: string): Promise<Metafile> {
  const out = path.join(STATIC, surface, 'build');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'index.html'), html(`Outcome Lens – ${surface}`));
  const result = await build(options(surface));
  if (!Object.keys(result.metafile?.outputs ?? {}).some((file) => file.endsWith('main.css')))
    throw new Error(`static/${surface}/src imports no stylesheet, but index.html links main.css`);
  return result.metafile!;
}

/** The heaviest parts of a surface's main.js: npm packages as one part each, our own files one by one. */
export function heaviestParts(metafile: Metafile, count = 25): { part: string; bytes: number }[] {
  const main = Object.entries(metafile.outputs).find(([file]) => file.endsWith('main.js'))?.[1];
  const byPart = new Map<string, number>();
  for (const [file, input] of Object.entries(main?.inputs ?? {})) {
    const pkg = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)?.[1];
    const part = pkg ?? path.relative(ROOT, path.resolve(file));
    byPart.set(part, (byPart.get(part) ?? 0) + input.bytesInOutput);
  }
  return [...byPart]
    .map(([part, bytes]) => ({ part, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const watch = args.includes('--watch');
  const analyze = args.includes('--analyze');
  const chosen = args.filter((a) => !a.startsWith('--'));
  const list = chosen.length ? chosen : surfaces();
  for (const surface of list) {
    if (watch) {
      const ctx = await context(options(surface));
      await ctx.watch();
    } else {
      const metafile = await buildSurface(surface);
      const js = fs.readFileSync(path.join(STATIC, surface, 'build', 'main.js'));
      const gzipKiB = (zlib.gzipSync(js, { level: 9 }).length / 1024).toFixed(1);
      console.log(
        `built static/${surface}/build (${Math.round(js.length / 1024)} KiB, ${gzipKiB} KiB gzipped)`,
      );
      if (analyze)
        for (const { part, bytes } of heaviestParts(metafile))
          console.log(`  ${(bytes / 1024).toFixed(1).padStart(7)} KiB minified  ${part}`);
    }
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
