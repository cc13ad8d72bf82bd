/** A TypeScript block of a markdown page, as the snippet check compiles it. */
export interface Snippet {
  /** The page, as the failure messages name it (`README.md`, `docs/channels.md`). */
  page: string;
  /** Line of the page (1-based) that holds the snippet's first code line. */
  line: number;
  /** The code between the fences, without the fences' indentation. */
  code: string;
  /**
   * `file=src/main.ts` in the fence's info string: the snippet is that file of an app the page
   * shows in several blocks, so their relative imports (`./app.module.js`) resolve to each other.
   */
  file?: string;
  /** Hidden lines around the code, from a `<!-- snippet-context ... -->` comment right before the fence. */
  context?: SnippetContext;
}

/** Lines a page does not show but a fragment needs to compile; the fragment goes where `{{snippet}}` stands. */
export interface SnippetContext {
  /** Line of the page that holds the comment's first context line. */
  line: number;
  before: string[];
  after: string[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)(.*)$/;
const TYPESCRIPT = new Set(['ts', 'typescript']);
const CONTEXT_OPEN = '<!-- snippet-context';
const PLACEHOLDER = '{{snippet}}';

/**
 * Every ```ts and ```typescript block of `markdown`, with its line and the hidden context a
 * fragment carries. Other blocks (sh, js, text) are skipped, and so is anything inside them.
 */
export function extractSnippets(markdown: string, page: string): Snippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]);
    if (!open) continue;
    const [, indent, fence, language, info] = open;
    // A backtick fence's info string has no backticks: such a line is inline code (```` ```ts ````).
    if (fence[0] === '`' && (language + info).includes('`')) continue;
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length; end++) {
      const line = lines[end];
      const trimmed = line.trim();
      if (trimmed.startsWith(fence) && /^[`~]+$/.test(trimmed)) break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (TYPESCRIPT.has(language.toLowerCase())) {
      const snippet: Snippet = { page, line: index + 2, code: body.join('\n') };
      const file = /(?:^|\s)file=(\S+)/.exec(info)?.[1];
      if (file) snippet.file = file;
      const context = contextBefore(lines, index, page);
      if (context) snippet.context = context;
      snippets.push(snippet);
    }
    index = end;
  }
  return snippets;
}

/** The `<!-- snippet-context ... -->` comment that ends on the line before the fence at `fenceIndex`, if any. */
function contextBefore(lines: string[], fenceIndex: number, page: string): SnippetContext | undefined {
  const close = fenceIndex - 1;
  if (close < 0 || lines[close].trim() !== '-->') return undefined;
  let start = close - 1;
  while (start >= 0 && !lines[start].trim().startsWith('<!--')) start--;
  if (start < 0 || lines[start].trim() !== CONTEXT_OPEN) return undefined;
  const body = lines.slice(start + 1, close);
  const at = body.findIndex((line) => line.trim() === PLACEHOLDER);
  if (at < 0) throw new Error(`${page}:${start + 1}: a snippet-context comment needs a line "${PLACEHOLDER}" where the snippet goes`);
  return { line: start + 2, before: body.slice(0, at), after: body.slice(at + 1) };
}

/** The source the compiler sees: hidden lines, then the snippet, then the hidden lines after it. */
export function snippetSource(snippet: Snippet): string {
  const { before = [], after = [] } = snippet.context ?? {};
  return [...before, snippet.code, ...after].join('\n') + '\n';
}

/**
 * Where line `sourceLine` (1-based) of {@link snippetSource} stands in the page: the snippet's own
 * line, or the context comment's line for a hidden line.
 */
export function pageLine(snippet: Snippet, sourceLine: number): number {
  const before = snippet.context?.before.length ?? 0;
  const codeLines = snippet.code.split('\n').length;
  const inCode = sourceLine - 1 - before;
  if (inCode >= 0 && inCode < codeLines) return snippet.line + inCode;
  const context = snippet.context!;
  return inCode < 0 ? context.line + sourceLine - 1 : context.line + before + 1 + (inCode - codeLines);
}
