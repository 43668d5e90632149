/**
 * JQL text to a syntax tree with Atlassian's own grammar: @atlaskit/jql-ast's JastBuilder over the ANTLR
 * lexer and parser of @atlaskit/jql-parser (the grammar Jira's own JQL editor ships). A query the grammar
 * refuses fails with its first error, worded as Jira's search words it: "Error in the JQL Query: Expecting
 * operator but got 'query'. The valid operators are ... (line 1, character 9)". The wording follows the
 * messages Jira documents (the OpenAPI examples of /rest/api/3/jql/parse) and answers.
 */
import { JastBuilder, type Query } from '@atlaskit/jql-ast';
import { JQLParser } from '@atlaskit/jql-parser/JQLParser';

/** A query Jira would refuse, with the messages of its 400 answer (`errorMessages`). */
export class JqlError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join(' '));
    this.name = 'JqlError';
  }
}

/** A bound on the text, so a hostile query cannot keep the workbench busy (the grammar is not linear). */
export const MAX_JQL_LENGTH = 10_000;

const PREFIX = 'Error in the JQL Query: ';
const VALID_OPERATORS =
  "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";
const VALID_ESCAPES = "The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX.";

// ---------------------------------------------------------------------------------------------
// What the ANTLR runtime hands an error listener, reduced to what the messages need.

interface AntlrToken {
  type: number;
  text?: string;
  startIndex: number;
  line: number;
  charPositionInLine: number;
  tokenIndex: number;
  channel: number;
}

interface AntlrRuleContext {
  ruleIndex: number;
  parent?: AntlrRuleContext;
  childCount: number;
  getChild(i: number): { text: string };
}

interface AntlrParser {
  getExpectedTokens(): { toArray(): number[] };
  getRuleInvocationStack(): string[];
  context: AntlrRuleContext;
  inputStream: { get(index: number): AntlrToken };
  vocabulary: {
    getLiteralName(type: number): string | undefined;
    getSymbolicName(type: number): string | undefined;
  };
}

interface FirstError {
  token: AntlrToken | undefined;
  rule: string;
  expected: Set<number>;
  previous: AntlrToken | undefined;
  field: string | undefined;
  names: (type: number) => string;
}

/** Keeps the parser's first complaint: Jira, too, answers with the first error in the text. */
class FirstErrorListener {
  first: FirstError | null = null;

  syntaxError(recognizer: unknown, offendingSymbol: unknown): void {
    if (this.first) return;
    const parser = recognizer as AntlrParser;
    const token = offendingSymbol as AntlrToken | undefined;
    let expected: number[] = [];
    try {
      expected = parser.getExpectedTokens().toArray();
    } catch {
      // The expected set is a courtesy: a message without it still says what was found where.
    }
    this.first = {
      token,
      rule: parser.getRuleInvocationStack()[0] ?? 'jqlQuery',
      expected: new Set(expected),
      previous: token ? previousToken(parser, token) : undefined,
      field: clauseField(parser.context),
      names: (type) =>
        parser.vocabulary.getLiteralName(type) ?? `'${parser.vocabulary.getSymbolicName(type) ?? type}'`,
    };
  }
}

function previousToken(parser: AntlrParser, token: AntlrToken): AntlrToken | undefined {
  for (let i = token.tokenIndex - 1; i >= 0; i--) {
    const t = parser.inputStream.get(i);
    if (t.channel === 0) return t;
  }
  return undefined;
}

/** The field of the clause being parsed, for messages that name it. */
function clauseField(context: AntlrRuleContext | undefined): string | undefined {
  for (let c = context; c; c = c.parent) {
    if (c.ruleIndex === JQLParser.RULE_jqlTerminalClause && c.childCount > 0) return c.getChild(0).text;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Jira's wording

const VALUE_TOKENS = [JQLParser.STRING, JQLParser.QUOTE_STRING, JQLParser.SQUOTE_STRING];
const OPERATOR_TOKENS = [JQLParser.EQUALS, JQLParser.LIKE, JQLParser.LT];

function where(token: AntlrToken): string {
  return `(line ${token.line}, character ${token.charPositionInLine + 1})`;
}

function isEnd(token: AntlrToken | undefined): boolean {
  return !token || token.type === JQLParser.EOF;
}

/**
 * "Expecting X but got 'y'. (line 1, character 9)", or "Expecting X before the end of the query." at the end.
 * Jira says "at the end" for a missing field name or function argument, "before the end" otherwise.
 */
function expecting(
  what: string,
  token: AntlrToken | undefined,
  options: { hint?: (got: string) => string; atEnd?: boolean; endHint?: string } = {},
): string {
  if (!token || isEnd(token)) {
    const end = options.atEnd ? 'at the end of the query' : 'before the end of the query';
    return `${PREFIX}Expecting ${what} ${end}.${options.endHint ? ` ${options.endHint}` : ''}`;
  }
  const got = token.text ?? '';
  const hint = options.hint ? ` ${options.hint(got)}` : '';
  return `${PREFIX}Expecting ${what} but got '${got}'.${hint} ${where(token)}`;
}

function listOf(words: string[]): string {
  if (words.length <= 1) return words[0] ?? 'more';
  if (words.length === 2) return `either ${words[0]} or ${words[1]}`;
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** The errors the lexer finds (strings, escapes, characters), whatever the parser expected there. */
function lexicalMessage(token: AntlrToken, text: string): string | null {
  const got = token.text ?? '';
  switch (token.type) {
    case JQLParser.UNCLOSED_QUOTE_STRING:
    case JQLParser.UNCLOSED_SQUOTE_STRING: {
      const content = got.slice(1).replace(/[\r\n]/g, ' ');
      return content
        ? `${PREFIX}The quoted string '${content}' has not been completed. ${where(token)}`
        : `${PREFIX}The quoted string has not been completed. ${where(token)}`;
    }
    case JQLParser.INVALID_QUOTE_STRING:
    case JQLParser.INVALID_SQUOTE_STRING: {
      // The token stops at the backslash whose escape is not one JQL knows.
      const at = token.startIndex + got.length - 1;
      const escape = text.slice(at, at + 2);
      return `${PREFIX}'${escape}' is an illegal JQL escape sequence. ${VALID_ESCAPES} ${where(token)}`;
    }
    case JQLParser.ERROR_RESERVED:
    case JQLParser.ERRORCHAR: {
      if (got === '\\') return `${PREFIX}The escape sequence has not been completed. ${VALID_ESCAPES}`;
      const code = (got.codePointAt(0) ?? 0).toString(16).padStart(4, '0');
      return token.type === JQLParser.ERROR_RESERVED
        ? `${PREFIX}The character '${got}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${code}' instead. ${where(token)}`
        : `${PREFIX}The character 'U+${code.toUpperCase()}' on line ${token.line} at position ${token.charPositionInLine + 1} must be escaped. Use the escape '\\u${code}' instead. ${where(token)}`;
    }
    case JQLParser.RESERVED_WORD:
      return `${PREFIX}'${got}' is a reserved JQL word. You must surround it in quotation marks to use it in a query. ${where(token)}`;
    default:
      return null;
  }
}

function syntaxMessage(error: FirstError, text: string): string {
  const { token, rule, expected, previous } = error;
  const lexical = token ? lexicalMessage(token, text) : null;
  if (lexical) return lexical;
  const has = (...types: number[]) => types.some((t) => expected.has(t));

  if (rule === 'jqlFunction' && expected.size === 1 && has(JQLParser.LPAREN) && previous) {
    // `project in DEMO`: the grammar read DEMO as a function name. Jira reads it as a value a list needs.
    return `Operator 'in' does not support the non-list value '${previous.text ?? ''}' for field '${error.field ?? ''}'.`;
  }
  if (rule === 'jqlArgument' || (rule === 'jqlArgumentList' && !has(JQLParser.RPAREN))) {
    if (token?.type === JQLParser.RPAREN)
      return `${PREFIX}Function argument must be specified. ${where(token)}`;
    return expecting('a function argument', token, {
      atEnd: true,
      hint: (got) => `You must surround '${got}' in quotation marks to use it as an argument.`,
    });
  }
  if (rule === 'jqlFunction' || rule === 'jqlArgumentList') {
    return isEnd(token) || token?.type === JQLParser.COMMA
      ? expecting("')'", token)
      : expecting("')' or ','", token);
  }
  if (has(...OPERATOR_TOKENS) && !has(...VALUE_TOKENS)) {
    return expecting('operator', token, { hint: () => VALID_OPERATORS, endHint: VALID_OPERATORS });
  }
  if (has(JQLParser.CUSTOMFIELD)) {
    return expecting('a field name', token, {
      atEnd: true,
      hint: (got) => `You must surround '${got}' in quotation marks to use it as a field name.`,
    });
  }
  if (has(...VALUE_TOKENS) && !has(JQLParser.RPAREN)) {
    return expecting('either a value, list or function', token, {
      hint: (got) => `You must surround '${got}' in quotation marks to use it as a value.`,
    });
  }
  if (rule === 'jqlList' || rule === 'jqlSubClause' || has(JQLParser.RPAREN)) return expecting("')'", token);
  if (has(JQLParser.BY)) return expecting("'by'", token);
  if (rule === 'jqlQuery') {
    if (has(JQLParser.ORDER)) return expecting("either 'OR' or 'AND'", token);
    const sorted = previous?.type === JQLParser.ASC || previous?.type === JQLParser.DESC;
    return expecting(sorted ? "','" : "either 'ASC' or 'DESC'", token);
  }
  return expecting(listOf([...expected].map(error.names)), token);
}

const ESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r' };

/**
 * The value a JQL string token stands for: quotes removed, escapes decoded as Jira's lexer decodes them
 * (\t, \n, \r, \uXXXX, and a backslash before any other character keeps that character). Atlaskit's own
 * `value` only drops the backslashes, which would turn "\u0041" into "u0041".
 */
export function jqlStringValue(text: string): string {
  const quoted = text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.endsWith(text[0]);
  const body = quoted ? text.slice(1, -1) : text;
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/gs, (_, escape: string) =>
    escape.length === 5 ? String.fromCharCode(parseInt(escape.slice(1), 16)) : (ESCAPED[escape] ?? escape),
  );
}

/** Parses JQL with Atlassian's grammar; a refused query throws JqlError with Jira's message. */
export function parseJqlSyntax(text: string): Query {
  if (text.length > MAX_JQL_LENGTH) {
    throw new JqlError([`${PREFIX}The query is longer than ${MAX_JQL_LENGTH} characters.`]);
  }
  const listener = new FirstErrorListener();
  const jast = new JastBuilder().setErrorListeners([listener]).build(text);
  if (listener.first) throw new JqlError([syntaxMessage(listener.first, text)]);
  if (!jast.query || jast.errors.length > 0) {
    // Not a syntax error: the builder itself gave up, in practice on nesting deep enough to exhaust the stack.
    throw new JqlError([`${PREFIX}The query is nested too deeply to be read.`]);
  }
  return jast.query;
}
