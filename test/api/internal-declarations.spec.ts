import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Nothing documented `@internal` in lib/ ships in the declarations: the build strips it. The
// declarations are built twice with tsconfig.build.json, as shipped and with internals kept; the
// second one says which declarations each `@internal` comment belongs to.

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

interface Internal {
  readonly file: string;
  readonly container: string;
  readonly name: string;
  readonly line: string;
}

let workDir: string;
let shipped: string;
let unstripped: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'nestjs-channels-dts-'));
  shipped = join(workDir, 'shipped');
  unstripped = join(workDir, 'unstripped');
  const build = (outDir: string, ...extra: string[]) =>
    run(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--outDir', outDir, '--emitDeclarationOnly', ...extra], { cwd: REPO });
  await Promise.all([build(shipped), build(unstripped, '--stripInternal', 'false')]);
}, 60_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test('every @internal comment in lib/ documents a declaration the declarations hold', () => {
  const emitted = new Set(internalDeclarations(unstripped).map(({ file, name }) => `${file} ${name}`));
  const sources = internalSources(join(REPO, 'lib'));
  expect(sources.length).toBeGreaterThan(0);
  // A comment TypeScript does not attach to the declaration would not strip it either.
  expect(sources.filter(({ key }) => !emitted.has(key)).map(({ where }) => where)).toEqual([]);
});

test('no declaration documented @internal is left in the shipped declarations', () => {
  const left = internalDeclarations(unstripped).filter(({ file, container, line }) =>
    declarationLines(join(shipped, file)).has(`${container} ${line}`),
  );
  expect(left).toEqual([]);
  const mentions = dtsFiles(shipped).filter((file) => /@internal\b/.test(readFileSync(join(shipped, file), 'utf8')));
  expect(mentions).toEqual([]);
});

/** Each declaration of the unstripped build whose doc comment holds `@internal`. */
function internalDeclarations(root: string): Internal[] {
  return dtsFiles(root).flatMap((file) => {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    return docComments(lines)
      .filter(({ text }) => /(^|[\s*])@internal\b/.test(text))
      .map(({ next }) => ({ file, container: containerOf(lines, next), name: declaredName(lines[next]), line: lines[next].trim() }));
  });
}

/**
 * Each declaration in lib/ documented `@internal` that the declarations emit (exported, or a
 * member): `key` is `file name` as `internalDeclarations` gives it, `where` its place in lib/.
 */
function internalSources(root: string): { key: string; where: string }[] {
  return tsFiles(root).flatMap((file) => {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    return docComments(lines)
      .filter(({ text }) => /(^|[\s*])@internal\b/.test(text))
      .map(({ next }) => next)
      .filter((next) => /^\s/.test(lines[next]) || lines[next].startsWith('export '))
      .map((next) => ({
        key: `${file.replace(/\.ts$/, '.d.ts')} ${declaredName(lines[next])}`,
        where: `lib/${file}:${next + 1}: ${lines[next].trim()}`,
      }));
  });
}

/** The doc comments of a file, each with the index of the first line after it (decorators skipped). */
function docComments(lines: string[]): { text: string; next: number }[] {
  const comments: { text: string; next: number }[] = [];
  for (let start = 0; start < lines.length; start++) {
    if (!lines[start].trim().startsWith('/**')) continue;
    let end = start;
    while (!lines[end].includes('*/')) end++;
    let next = end + 1;
    while (next < lines.length && /^\s*@\w/.test(lines[next])) next++;
    comments.push({ text: lines.slice(start, end + 1).join('\n'), next });
    start = end;
  }
  return comments;
}

/** The name a declaration line declares: `markEnded` in `markEnded(reason: string): void;`. */
function declaredName(line: string): string {
  const modifiers = /^(export|declare|default|public|private|protected|readonly|static|abstract|override|async|get|set|const|let|var|function|class|interface|type|enum|namespace)\s+/;
  let rest = line.trim();
  while (modifiers.test(rest)) rest = rest.replace(modifiers, '');
  return /^[\w$#]+/.exec(rest)?.[0] ?? rest;
}

/** The class, interface or namespace a declaration line is in ('' at the top level), by indentation. */
function containerOf(lines: string[], index: number): string {
  const indent = /^\s*/.exec(lines[index])![0].length;
  for (let i = index - 1; i >= 0; i--) {
    const outer = /^(\s*)(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:class|interface|namespace|enum)\s+([\w$]+)/.exec(lines[i]);
    if (outer && outer[1].length < indent) return outer[2];
  }
  return '';
}

/** `container line` for every line of a declaration file. */
function declarationLines(path: string): Set<string> {
  const lines = readFileSync(path, 'utf8').split('\n');
  return new Set(lines.map((line, index) => `${containerOf(lines, index)} ${line.trim()}`));
}

function dtsFiles(root: string): string[] {
  return walk(root).filter((file) => file.endsWith('.d.ts'));
}

function tsFiles(root: string): string[] {
  return walk(root).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
}

function walk(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}
