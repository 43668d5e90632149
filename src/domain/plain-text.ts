/**
 * Turns a Jira description (v2 wiki markup string or v3 ADF document) into readable plain text.
 * The recipe detector and the story parser work on this text, and quote offsets into it.
 * Pure, never throws, linear in the input size (no nested quantifiers that can backtrack).
 */

export type AdfNode = {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
};

/** Marker left where a code block was: code is not prose, so no signal may be read from it. */
export const CODE_MARKER = '(code)';

const BLOCK_TYPES = new Set([
  'paragraph',
  'heading',
  'blockquote',
  'bulletList',
  'orderedList',
  'listItem',
  'table',
  'tableRow',
  'panel',
  'rule',
  'mediaSingle',
  'mediaGroup',
  'expand',
  'nestedExpand',
  'decisionList',
  'decisionItem',
  'taskList',
  'taskItem',
  'blockCard',
  'layoutSection',
  'layoutColumn',
]);

function attrString(node: AdfNode, key: string): string {
  const value = node.attrs?.[key];
  return typeof value === 'string' ? value : '';
}

/**
 * An inline node's text, or a space when it has none: "As a" + mention + "shopper" must not read "As ashopper".
 */
function inlineText(text: string): string {
  return text === '' ? ' ' : text;
}

/** A date node's day (its timestamp is milliseconds since 1970, at the day's start in UTC), as YYYY-MM-DD. */
function dateNodeDay(node: AdfNode): string {
  const timestamp = node.attrs?.['timestamp'];
  // A blank timestamp is none (Number('') is 0, the first day of 1970); a day past year 9999 is no day to write.
  const ms =
    typeof timestamp === 'number'
      ? timestamp
      : typeof timestamp === 'string' && timestamp.trim()
        ? Number(timestamp)
        : NaN;
  const date = new Date(ms);
  const year = Number.isFinite(date.getTime()) ? date.getUTCFullYear() : -1;
  return year >= 0 && year <= 9999 ? date.toISOString().slice(0, 10) : ' ';
}

/** Iterative walk so a deeply nested document cannot overflow the stack. */
function adfToText(root: AdfNode): string {
  const out: string[] = [];
  // Entries are nodes to render or strings to emit after a node's children.
  const stack: Array<AdfNode | string> = [root];
  let steps = 0;
  while (stack.length > 0 && steps < 1_000_000) {
    steps++;
    const item = stack.pop();
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    const type = typeof item.type === 'string' ? item.type : '';
    switch (type) {
      case 'text':
        out.push(typeof item.text === 'string' ? item.text : '');
        continue;
      case 'hardBreak':
        out.push('\n');
        continue;
      case 'codeBlock':
        out.push('\n' + CODE_MARKER + '\n');
        continue;
      case 'mention':
        out.push(inlineText(attrString(item, 'text')));
        continue;
      case 'emoji':
        out.push(inlineText(attrString(item, 'text') || attrString(item, 'shortName')));
        continue;
      case 'inlineCard':
      case 'blockCard':
        out.push(inlineText(attrString(item, 'url')));
        continue;
      case 'date':
        out.push(dateNodeDay(item));
        continue;
      case 'status':
        out.push(inlineText(attrString(item, 'text')));
        continue;
      default:
        break;
    }
    const isBlock = BLOCK_TYPES.has(type);
    if (type === 'listItem') out.push('\n- ');
    else if (type === 'tableCell' || type === 'tableHeader') out.push(' | ');
    else if (isBlock && !(out[out.length - 1] ?? '').endsWith('- ')) out.push('\n');
    if (isBlock) stack.push('\n');
    const children = Array.isArray(item.content) ? item.content : [];
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined) stack.push(child);
    }
  }
  return out.join('');
}

// Precompiled wiki-markup rules, applied in order.
const CODE_BLOCK = /\{(code|noformat)(?::[^}\n]{0,200})?\}[\s\S]*?(?:\{\1\}|$)/g;
// No '[' inside a link and no '{' inside monospace: a run of "[|" or "{{" then fails at once instead of
// scanning hundreds of characters from every one.
const LINK_WITH_TEXT = /\[([^[\]|\n]{0,300})\|([^[\]\n]{0,500})\]/g;
const LINK_PLAIN = /\[(?:~|\^)?([^[\]\n]{0,500})\]/g;
const IMAGE = /![^!\s][^!\n]{0,300}!/g;
const MACRO = /\{[a-zA-Z]{1,30}(?::[^}\n]{0,200})?\}/g;
const HEADING = /^[ \t]*h[1-6]\.[ \t]*/gm;
const BULLET = /^[ \t]*[*#]+[ \t]+/gm;
const DASH_BULLET = /^[ \t]*-[ \t]+/gm;
const TABLE_HEADER_SEP = /\|\|/g;
// A run of blanks is matched from its first blank only (the lookbehinds): tried from every blank of a long run
// that does not end the line, these patterns would cost the square of its length.
const TABLE_EDGE = /^[ \t]*\|[ \t]*|(?<![ \t])[ \t]*\|[ \t]*$/gm;
const STRONG = /(^|[^\w*])\*(?=\S)([^*\n]*[^\s*])\*(?!\w)/g;
const EMPHASIS = /(^|[^\w])_(?=\S)([^_\n]*[^\s_])_(?!\w)/g;
const MONO = /\{\{([^{}\n]{0,500})\}\}/g;
const CITE = /\?\?([^?\n]+)\?\?/g;
const INSERTED = /(^|[^\w+])\+(?=\S)([^+\n]*[^\s+])\+(?!\w)/g;
const LINE_BREAK = /\\\\/g;
const TRAILING_SPACE = /(?<![ \t])[ \t]+$/gm;
const BLANK_LINES = /\n{3,}/g;

// HTML that Jira Server exports wrap in {html}…{html}: tags go, their text stays. Every pattern starts with a
// literal and bounds its repetition, so a block is read in one pass.
const HTML_BLOCK = /\{html\}([\s\S]*?)(?:\{html\}|$)/gi;
const HTML_HIDDEN = /<(script|style)\b[^>]{0,500}>[\s\S]*?(?:<\/\1\s{0,5}>|$)/gi;
const HTML_LIST_ITEM = /<li\b[^>]{0,500}>/gi;
const HTML_BREAK = /<(?:br|hr)\b[^>]{0,500}>|<\/(?:p|div|h[1-6]|tr|ul|ol|table|blockquote|pre)\s{0,5}>/gi;
const HTML_CELL = /<\/t[dh]\s{0,5}>/gi;
const HTML_TAG = /<\/?[a-zA-Z!][^<>]{0,1000}>/g;
const HTML_ENTITY = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/g;
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntity(_m: string, dec?: string, hex?: string, name?: string): string {
  if (name) return NAMED_ENTITIES[name] ?? '';
  const code = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16);
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
}

/** The text of an HTML fragment: hidden parts dropped, blocks on their own lines, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(HTML_HIDDEN, '')
    .replace(HTML_LIST_ITEM, '\n- ')
    .replace(HTML_CELL, ' | ')
    .replace(HTML_BREAK, '\n')
    .replace(HTML_TAG, '')
    .replace(HTML_ENTITY, decodeEntity)
    .replace(/(?<![ \t])[ \t]+\n/g, '\n');
}

function wikiToText(source: string): string {
  let text = source.replace(/\r\n?/g, '\n');
  text = text.replace(CODE_BLOCK, `\n${CODE_MARKER}\n`);
  text = text.replace(HTML_BLOCK, (_m, html: string) => `\n${htmlToText(html)}\n`);
  text = text.replace(MONO, '$1');
  text = text.replace(LINK_WITH_TEXT, (_m, label: string, url: string) => (label.trim() ? label : url));
  text = text.replace(LINK_PLAIN, '$1');
  text = text.replace(IMAGE, '');
  text = text.replace(MACRO, '');
  text = text.replace(HEADING, '');
  text = text.replace(BULLET, '- ');
  text = text.replace(DASH_BULLET, '- ');
  text = text.replace(TABLE_HEADER_SEP, '|');
  text = text.replace(TABLE_EDGE, '');
  text = text.replace(STRONG, '$1$2');
  text = text.replace(EMPHASIS, '$1$2');
  text = text.replace(CITE, '$1');
  text = text.replace(INSERTED, '$1$2');
  text = text.replace(LINE_BREAK, '\n');
  text = text.replace(TRAILING_SPACE, '');
  text = text.replace(BLANK_LINES, '\n\n');
  return text.trim();
}

function looksLikeAdfJson(text: string): boolean {
  return text.startsWith('{') && text.includes('"type"') && text.includes('"doc"');
}

export function toPlainText(description: string | AdfNode | null | undefined): string {
  try {
    if (description === null || description === undefined) return '';
    if (typeof description === 'string') {
      const trimmed = description.trim();
      if (looksLikeAdfJson(trimmed)) {
        try {
          const parsed: unknown = JSON.parse(trimmed);
          if (parsed && typeof parsed === 'object' && (parsed as AdfNode).type === 'doc') {
            return tidy(adfToText(parsed as AdfNode));
          }
        } catch {
          // Not JSON after all: treat it as wiki markup.
        }
      }
      return wikiToText(description);
    }
    if (typeof description === 'object') return tidy(adfToText(description));
    return '';
  } catch {
    return typeof description === 'string' ? description : '';
  }
}

function tidy(text: string): string {
  return text.replace(TRAILING_SPACE, '').replace(BLANK_LINES, '\n\n').trim();
}
