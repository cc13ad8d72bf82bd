import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { createAppDir, REPO, tsc } from './app-dir.js';
import { pageLine, snippetSource, type Snippet } from './markdown-snippets.js';

/** What an app that installed the package compiles with: Nest's decorators, ES modules, strict. */
export const COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  lib: ['ES2022', 'DOM'],
  types: ['node', 'jest'],
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  strict: true,
  noImplicitAny: true,
  noUnusedLocals: true,
  skipLibCheck: true,
  // Every snippet is a module of its own, even one without an import or export.
  moduleDetection: 'force',
  noEmit: true,
};

/** A snippet that does not compile, or a problem of the check itself (no snippet). */
export interface SnippetFailure {
  page: string;
  /** Line of the page the error points at. */
  line: number;
  /** tsc's message, e.g. `error TS2304: Cannot find name 'Foo'.` */
  message: string;
  snippet?: Snippet;
}

/**
 * Typechecks every snippet in one tsc run, as files of an app that installed the package (its
 * declarations built from `lib/`, see {@link createAppDir}). Resolves with every error, mapped
 * back to its page and line.
 */
export async function typecheckSnippets(snippets: Snippet[]): Promise<SnippetFailure[]> {
  const workDir = await createAppDir('nestjs-channels-snippets-', { declarationsOnly: true });
  try {
    const { files, failures } = await writeSnippets(workDir, snippets);
    await writeFile(
      join(workDir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: [...files.keys()] }, null, 2),
    );
    const { output, failed } = await tsc(['-p', 'tsconfig.json', '--pretty', 'false'], workDir);
    const diagnostics = parseDiagnostics(output, files);
    if (failed && diagnostics.length === 0) throw new Error(`tsc failed without a diagnostic:\n${output}`);
    return [...failures, ...diagnostics].sort((a, b) => a.page.localeCompare(b.page) || a.line - b.line);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Writes each snippet to its own file; a `file=` snippet goes to that path in its page's folder. */
async function writeSnippets(
  workDir: string,
  snippets: Snippet[],
): Promise<{ files: Map<string, Snippet>; failures: SnippetFailure[] }> {
  const files = new Map<string, Snippet>();
  const failures: SnippetFailure[] = [];
  for (const snippet of snippets) {
    const folder = join('snippets', snippet.page.replace(/[^\w.-]+/g, '_'));
    const name = snippet.file ? normalize(snippet.file) : `snippet-at-line-${snippet.line}.ts`;
    const path = join(folder, name);
    const problem =
      !name.endsWith('.ts') || name.startsWith('..') || name.startsWith(sep)
        ? `file=${snippet.file} must be a relative path ending in .ts`
        : files.has(path)
          ? `file=${snippet.file} is used by two snippets of this page`
          : undefined;
    if (problem) {
      failures.push({ page: snippet.page, line: snippet.line - 1, message: problem, snippet });
      continue;
    }
    files.set(path.split(sep).join('/'), snippet);
    await mkdir(join(workDir, dirname(path)), { recursive: true });
    await writeFile(join(workDir, path), snippetSource(snippet));
  }
  return { files, failures };
}

/** tsc's `file(line,col): error TS…` lines (with their indented continuation lines), mapped to pages. */
function parseDiagnostics(output: string, files: Map<string, Snippet>): SnippetFailure[] {
  const failures: SnippetFailure[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const previous = failures.at(-1);
    if (/^\s/.test(line) && previous) {
      previous.message += `\n${line}`;
      continue;
    }
    const located = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
    const snippet = located ? files.get(located[1].split(sep).join('/')) : undefined;
    if (located && snippet) {
      failures.push({ page: snippet.page, line: pageLine(snippet, Number(located[2])), message: located[4], snippet });
    } else {
      failures.push({ page: located ? relative(REPO, located[1]) : '(tsc)', line: 0, message: line });
    }
  }
  return failures;
}
