/**
 * Jira's limit on a text field (a description, a comment): 32,767 characters, counted in the wiki markup Jira
 * stores, so formatting counts too. A longer text is refused with a 400, `CONTENT_LIMIT_EXCEEDED` from REST v3
 * (Atlassian's JRACLOUD-78553); integrators meet it after their markup was converted (mozilla/jira-bugzilla-
 * integration#1030). The workbench counts an ADF document as that markup would be, so it refuses what Jira refuses.
 */
import { badRequest, type JiraHttpError } from './routes/common';

export const JIRA_TEXT_LIMIT = 32_767;

interface Node {
  type?: unknown;
  text?: unknown;
  attrs?: Record<string, unknown>;
  marks?: unknown;
  content?: unknown;
}

/** What a mark adds around its text in wiki markup: "*bold*", "{{code}}", "[text|href]". */
function markChars(mark: unknown): number {
  if (typeof mark !== 'object' || mark === null) return 0;
  const { type, attrs } = mark as Node;
  if (type === 'code') return 4;
  if (type === 'link') return 3 + (typeof attrs?.['href'] === 'string' ? attrs['href'].length : 0);
  if (type === 'textColor') return 22;
  return 2;
}

/** What a block adds to its content: a heading's "h1. ", a list item's "* ", a code block's "{code}…{code}". */
function blockChars(type: unknown, attrs: Record<string, unknown> | undefined): number {
  switch (type) {
    case 'heading':
      return 4;
    case 'listItem':
      return 2;
    case 'codeBlock':
      return 14 + (typeof attrs?.['language'] === 'string' ? attrs['language'].length + 1 : 0);
    case 'blockquote':
      return 14;
    case 'panel':
      return 14;
    case 'rule':
      return 4;
    case 'tableCell':
      return 1;
    case 'tableHeader':
      return 2;
    case 'hardBreak':
      return 1;
    case 'mention':
      return 13 + (typeof attrs?.['id'] === 'string' ? attrs['id'].length : 0);
    case 'emoji':
      return typeof attrs?.['shortName'] === 'string' ? attrs['shortName'].length : 0;
    default:
      return 0;
  }
}

/** Characters a text field's value takes as Jira stores it: a string as it is, an ADF document as wiki markup. */
export function storedLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  let length = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const { type, text, attrs, marks, content } = node as Node;
    if (typeof text === 'string') length += text.length;
    if (Array.isArray(marks)) for (const mark of marks) length += markChars(mark);
    length += blockChars(type, attrs);
    if (Array.isArray(content)) {
      // Blocks sit on lines of their own; inline nodes run on.
      if (type !== 'paragraph' && type !== 'heading') length += Math.max(0, content.length - 1);
      for (const child of content) stack.push(child);
    }
  }
  return length;
}

/** Jira's refusal of a text field over the limit, or null when it fits. */
export function overTextLimit(value: unknown): JiraHttpError | null {
  return storedLength(value) > JIRA_TEXT_LIMIT ? badRequest('CONTENT_LIMIT_EXCEEDED') : null;
}
