/** toPlainText: Jira v2 wiki markup and v3 ADF become readable prose for the detectors. */
import { CODE_MARKER, toPlainText, type AdfNode } from '../../src/domain/plain-text';
import { fastestRunMs } from '../support/timing';

const text = (t: string): AdfNode => ({ type: 'text', text: t });
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const doc = (...content: AdfNode[]): AdfNode => ({ type: 'doc', content });

describe('toPlainText', () => {
  describe('with v2 wiki markup', () => {
    it('drops heading markers and keeps the heading text', () => {
      expect(toPlainText('h1. Why this matters\nShoppers leave.')).toBe('Why this matters\nShoppers leave.');
    });

    it('removes bold, italic, monospace and citation markers but keeps the words', () => {
      expect(toPlainText('This is *very* _important_ for {{CartService}} and ??the essay??')).toBe(
        'This is very important for CartService and the essay',
      );
    });

    it('leaves snake_case identifiers and multiplication alone', () => {
      expect(toPlainText('set max_retry_count to 2*3')).toBe('set max_retry_count to 2*3');
    });

    it('keeps the label of a link, or the address when there is no label', () => {
      expect(toPlainText('See [the spec|https://example.org/spec] and [https://example.org]')).toBe(
        'See the spec and https://example.org',
      );
    });

    it('turns bullets and numbered lists into dash lines', () => {
      expect(toPlainText('* one\n** nested\n# first')).toBe('- one\n- nested\n- first');
    });

    it('replaces code and noformat blocks with a marker', () => {
      const out = toPlainText('Before\n{code:java}\nmakeItBlue();\n{code}\nAfter {noformat}x = 1{noformat}');
      expect(out).not.toContain('makeItBlue');
      expect(out).not.toContain('x = 1');
      expect(out).toContain(CODE_MARKER);
      expect(out.startsWith('Before')).toBe(true);
      expect(out).toContain('After');
    });

    it('drops colour and panel macros but keeps their content', () => {
      expect(toPlainText('{color:red}Warning{color} {panel:title=Note}read me{panel}')).toBe(
        'Warning read me',
      );
    });

    it('flattens tables into cell text separated by pipes', () => {
      expect(toPlainText('||Name||Value||\n|a|1|')).toBe('Name|Value\na|1');
    });

    it('removes embedded images', () => {
      expect(toPlainText('Screenshot: !cart.png|thumbnail! shows it')).toBe('Screenshot:  shows it');
    });

    it('reads a JSON string holding an ADF document as ADF', () => {
      expect(toPlainText(JSON.stringify(doc(paragraph(text('from json')))))).toBe('from json');
    });
  });

  describe('with v3 ADF', () => {
    it('joins paragraphs with line breaks', () => {
      expect(toPlainText(doc(paragraph(text('First')), paragraph(text('Second'))))).toBe('First\n\nSecond');
    });

    it('renders list items as dash lines and keeps mentions and hard breaks', () => {
      const adf = doc(
        {
          type: 'bulletList',
          content: [
            {
              type: 'listItem',
              content: [paragraph(text('item '), { type: 'mention', attrs: { text: '@Ana' } })],
            },
          ],
        },
        paragraph(text('a'), { type: 'hardBreak' }, text('b')),
      );
      const out = toPlainText(adf);
      expect(out).toContain('- item @Ana');
      expect(out).toContain('a\nb');
    });

    it('writes a date node as its day, not as the milliseconds it is stored as', () => {
      const at = (timestamp: unknown) =>
        toPlainText(doc(paragraph(text('Check by '), { type: 'date', attrs: { timestamp } }, text('.'))));
      expect(at('1798761600000')).toBe('Check by 2027-01-01.');
      expect(at(1798761600000)).toBe('Check by 2027-01-01.');
      // One that is no time is left out, its words kept apart.
      expect(at('soon')).toBe('Check by  .');
      // Blank is none (not 1970-01-01), and a day past year 9999 is no day.
      expect(at('')).toBe('Check by  .');
      expect(at(' ')).toBe('Check by  .');
      expect(at(String(Date.UTC(10000, 0, 1)))).toBe('Check by  .');
    });

    it('keeps the words around a mention, a card or a status that has no text of its own apart', () => {
      for (const node of [
        { type: 'mention', attrs: { id: 'abc' } },
        { type: 'inlineCard', attrs: {} },
        { type: 'status', attrs: { color: 'green' } },
      ])
        expect(toPlainText(doc(paragraph(text('As a'), node, text('shopper'))))).toBe('As a shopper');
    });

    it('marks code blocks instead of copying code', () => {
      const out = toPlainText(
        doc(paragraph(text('Intro')), { type: 'codeBlock', content: [text('rm -rf /')] }),
      );
      expect(out).toContain(CODE_MARKER);
      expect(out).not.toContain('rm -rf');
    });

    it('survives very deep nesting without overflowing the stack', () => {
      let node: AdfNode = text('deep');
      for (let i = 0; i < 50_000; i++) node = { type: 'blockquote', content: [node] };
      expect(toPlainText(doc(node))).toBe('deep');
    });
  });

  describe('with HTML that Jira Server exports wrap in {html}', () => {
    it('keeps the text of the tags, one block a line, and decodes entities', () => {
      const description =
        'Intro line\n{html}<div><p>Shoppers <b>lose</b> their cart &amp; leave.</p><ul><li>Make it blue</li><li>Put it top&nbsp;right</li></ul><br/>Cost: &lt;10&#37;</div>{html}\nOutro';
      expect(toPlainText(description)).toBe(
        'Intro line\n\nShoppers lose their cart & leave.\n\n- Make it blue\n- Put it top right\n\nCost: <10%\n\nOutro',
      );
    });

    it('drops scripts and styles, and reads an unclosed block to the end', () => {
      expect(toPlainText('{html}<style>p { color: red }</style><script>alert(1)</script><p>Hello</p>')).toBe(
        'Hello',
      );
    });

    it('leaves angle brackets outside an {html} block as they are', () => {
      expect(toPlainText('Compare a<b and List<String>')).toBe('Compare a<b and List<String>');
    });
  });

  describe('with odd input', () => {
    it('returns an empty string for null, undefined and non-text values', () => {
      expect(toPlainText(null)).toBe('');
      expect(toPlainText(undefined)).toBe('');
      expect(toPlainText(42 as unknown as string)).toBe('');
      expect(toPlainText({ type: 'doc', content: 'nope' as unknown as AdfNode[] })).toBe('');
    });

    it('stays fast on 50 KB of unbalanced markup', () => {
      for (const s of [
        '{html}<p>'.repeat(5_000) + 'x',
        '{html}' + '<a'.repeat(25_000),
        '{html}<script>' + '<'.repeat(50_000),
        '{html}' + '&#'.repeat(25_000),
        '{code}'.repeat(8_000) + 'x',
        '*'.repeat(50_000),
        '[|'.repeat(25_000),
        '_a'.repeat(25_000),
        '{{'.repeat(25_000),
        // Long runs of blanks that do not end the line: a trailing-blank pattern tried from each blank is quadratic.
        'a' + ' '.repeat(50_000) + 'x',
        '{html}a' + ' '.repeat(50_000) + 'x{html}',
        'a|' + '\t'.repeat(50_000) + 'x',
      ]) {
        // The fastest of three runs: a stall of the machine lengthens one run, a quadratic pattern all three.
        expect(fastestRunMs(() => toPlainText(s))).toBeLessThan(200);
      }
    });
  });
});
