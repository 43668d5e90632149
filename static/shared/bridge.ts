/**
 * The Custom UI side of the resolver contract: `callResolver` wraps @forge/bridge's invoke so a surface always
 * gets an `Answer` (a rejected invoke becomes an error answer, never an exception), plus theming and flags.
 */
import { showFlag } from '../../node_modules/@forge/bridge/out/flag/flag';
import { invoke } from '../../node_modules/@forge/bridge/out/invoke/invoke';
import { getCallBridge } from '../../node_modules/@forge/bridge/out/bridge';
import { theme } from '../../node_modules/@forge/bridge/out/view/theme';
import type { Answer } from '../../src/contract/answer';
import { decimalMarkOf, type DecimalMark } from '../../src/domain/amounts';

export async function callResolver<T>(
  functionKey: string,
  payload: Record<string, unknown> = {},
): Promise<Answer<T>> {
  try {
    const answer = (await invoke(functionKey, payload)) as Answer<T> | null | undefined;
    if (answer && typeof answer === 'object' && 'ok' in answer) return answer;
    return {
      ok: false,
      error: { code: 'INTERNAL', message: 'The app answered in a way the page did not expect.' },
    };
  } catch (e) {
    // The host rejects the call alike for a function stopped at its time limit and a dropped connection: say
    // which when the rejection tells, and never blame the person's connection for a slow Jira.
    const timedOut = /FUNCTION_TIME_OUT|timed? ?out/i.test(e instanceof Error ? e.message : String(e));
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: timedOut
          ? 'Outcome Lens took too long to answer (Jira may be slow right now). Check the page before you try again: the change may have been made.'
          : 'Outcome Lens did not answer: Jira or the app may be slow, or the connection dropped. Try again in a moment.',
      },
    };
  }
}

let decimalMark: DecimalMark | null = null;
let person: string | null = null;
let site: string | null = null;

/**
 * Remembers the Jira site the app runs on (the view context's siteUrl). A link the page renders must name it:
 * Forge serves the page from its own host, where a relative "/browse/KEY" is no page at all.
 */
export function rememberSiteUrl(siteUrl: unknown): void {
  if (typeof siteUrl !== 'string') return;
  try {
    const url = new URL(siteUrl);
    if (url.protocol === 'https:' || url.protocol === 'http:') site = url.origin;
  } catch {
    // Not a URL: links keep to the router alone.
  }
}

/** Where Jira's issue search for `jql` is, on the site's own address. */
export function issueSearchPath(jql: string): string {
  return `/issues/?jql=${encodeURIComponent(jql)}`;
}

/** The address of Jira's issue search for `jql` on the Jira site, once the context named the site; null before. */
export function issueSearchUrl(jql: string): string | null {
  return site ? `${site}${issueSearchPath(jql)}` : null;
}

/** The address of an issue on the Jira site, once the context named the site; null before. */
export function issueUrl(issueKey: string): string | null {
  return site ? `${site}/browse/${encodeURIComponent(issueKey)}` : null;
}

/**
 * The decimal mark of the person's Jira language (the view context's locale); "." when the host does not say.
 * Asked of the host once per page, with who the person is on which site (personScope).
 */
export async function personDecimalMark(): Promise<DecimalMark> {
  if (decimalMark) return decimalMark;
  try {
    // The bridge call view.getContext makes, without the locale tables it brings (@forge/i18n, 14 KB gzipped):
    // only the decimal mark is wanted here, and Intl knows it for any locale tag.
    const callBridge = getCallBridge() as (name: string) => Promise<unknown>;
    const context = (await callBridge('getContext')) as {
      locale?: string;
      accountId?: string;
      cloudId?: string;
      siteUrl?: string;
    } | null;
    decimalMark = decimalMarkOf(context?.locale);
    rememberSiteUrl(context?.siteUrl);
    person = `${context?.cloudId ?? ''}:${context?.accountId ?? ''}`;
  } catch {
    decimalMark = '.';
  }
  return decimalMark;
}

/** Who is looking, on which site ("cloudId:accountId"), once personDecimalMark has answered; ":" if unknown. */
export function personScope(): string {
  return person ?? ':';
}

/** The decimal mark once personDecimalMark has answered; null before. */
export function knownDecimalMark(): DecimalMark | null {
  return decimalMark;
}

/** Light or dark as the user's Jira is: design tokens follow once theming is on. */
export async function enableTheme(): Promise<void> {
  try {
    await theme.enable();
  } catch {
    // Outside Jira (a plain browser) there is no host to theme us: the token fallbacks apply.
  }
}

let flagSeq = 0;

export function flag(
  title: string,
  description: string,
  type: 'success' | 'error' | 'warning' | 'info' = 'success',
): void {
  try {
    showFlag({
      id: `outcome-lens-${Date.now()}-${++flagSeq}`,
      title,
      description,
      type,
      // As Jira's own flags: they leave by themselves unless they report an error someone must read.
      isAutoDismiss: type !== 'error',
    });
  } catch {
    // A flag is a courtesy: the page shows the same state inline.
  }
}
