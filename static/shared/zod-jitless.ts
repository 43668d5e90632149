/**
 * Forge's CSP has no 'unsafe-eval' in script-src (unless the manifest declares it, which we do not), and zod v4
 * probes `new Function` the first time it parses an object, to compile a fast path: under the CSP that probe
 * is a violation report on every page. Jitless zod never probes. Each surface imports this module first, so the
 * setting is in place before any schema runs.
 */
import * as z from 'zod';

z.config({ jitless: true });
