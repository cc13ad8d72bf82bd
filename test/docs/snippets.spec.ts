import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractSnippets, type Snippet } from './markdown-snippets.js';
import { typecheckSnippets, type SnippetFailure } from './snippet-check.js';

// Every ```ts block of README.md and docs/ compiles, as copied, against the built package: a
// change of the API that a page still shows the old way fails here.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SELF_TEST_PAGE = 'test/docs/self-test.md';
const F = '```';

/** A page with mistakes the check must report, at the lines given here. */
const SELF_TEST_MARKDOWN = [
  '# Self-test', //                                                             1
  '', //                                                                        2
  `${F}ts`, //                                                                  3
  "import { ChannelsModule } from 'nestjs-channels';", //                       4
  'export const channels = ChannelsModule.forRoot({ path: 42 });', //           5: path is a string
  F, //                                                                         6
  '', //                                                                        7
  `${F}typescript`, //                                                          8
  'export function shout(text) {', //                                           9: implicit any
  '  return text.toUpperCase();', //                                           10
  '}', //                                                                      11
  F, //                                                                        12
  '', //                                                                       13
  '<!-- snippet-context', //                                                   14
  "import { Socket } from 'nestjs-channels';", //                              15
  'export class RoomChannel {', //                                             16
  '{{snippet}}', //                                                            17
  '}', //                                                                      18
  '-->', //                                                                    19
  `${F}ts`, //                                                                 20
  '  typing(socket: Socket): void {', //                                       21
  "    socket.broadcastEverywhere('typing', {});", //                           22: no such method
  '  }', //                                                                    23
  F, //                                                                        24
  '', //                                                                       25
  `${F}ts file=src/greeting.ts`, //                                            26
  "export const greeting = 'hello';", //                                       27
  F, //                                                                        28
  '', //                                                                       29
  `${F}ts file=src/main.ts`, //                                                30
  "import { greeting } from './greeting.js';", //                              31
  'export const length: string = greeting.length;', //                        32: number, not string
  F, //                                                                        33
  '', //                                                                       34
  `${F}sh`, //                                                                 35
  'npm start # not TypeScript: never compiled', //                            36
  F, //                                                                        37
].join('\n');

function docsPages(): string[] {
  const docs = join(REPO, 'docs');
  const pages = readdirSync(docs, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => relative(REPO, join(docs, name)));
  return ['README.md', ...pages.sort()];
}

function format(failures: SnippetFailure[]): string {
  return failures
    .map(({ page, line, message, snippet }) => {
      const where = snippet ? `${page}:${line} (the snippet starting at line ${snippet.line})` : `${page}:${line}`;
      return `${where}\n  ${message.replace(/\n/g, '\n  ')}`;
    })
    .join('\n\n');
}

let snippets: Snippet[];
let failures: SnippetFailure[];

beforeAll(async () => {
  const pages = docsPages().map((page) => extractSnippets(readFileSync(join(REPO, page), 'utf8'), page));
  snippets = [...pages.flat(), ...extractSnippets(SELF_TEST_MARKDOWN, SELF_TEST_PAGE)];
  failures = await typecheckSnippets(snippets);
}, 120_000);

describe('documentation snippets', () => {
  test('every TypeScript snippet of README.md and docs/ compiles against the built package', () => {
    const broken = failures.filter((failure) => failure.page !== SELF_TEST_PAGE);
    if (broken.length > 0) {
      throw new Error(`${broken.length} error(s) in documentation snippets:\n\n${format(broken)}`);
    }
  });

  test('finds the snippets of README.md and of every page in docs/', () => {
    const pagesWithSnippets = new Set(snippets.map((snippet) => snippet.page));
    expect(pagesWithSnippets).toContain('README.md');
    expect(pagesWithSnippets).toContain('docs/channels.md');
    expect(snippets.filter((snippet) => snippet.page !== SELF_TEST_PAGE).length).toBeGreaterThan(30);
  });
});

test('docs/testing.md shows test/testing/docs-example.spec.ts as it is, which runs it', () => {
  const example = snippets.find((snippet) => snippet.page === 'docs/testing.md');
  const spec = readFileSync(join(REPO, 'test/testing/docs-example.spec.ts'), 'utf8');
  expect(`${example?.code}\n`).toBe(spec.replace(/^(\/\/.*\n)+/, ''));
});

describe('the snippet check itself', () => {
  test('reads ```ts and ```typescript blocks with their page lines, fragment context and file names', () => {
    const own = snippets.filter((snippet) => snippet.page === SELF_TEST_PAGE);
    expect(own.map(({ line, file }) => ({ line, file }))).toEqual([
      { line: 4, file: undefined },
      { line: 9, file: undefined },
      { line: 21, file: undefined },
      { line: 27, file: 'src/greeting.ts' },
      { line: 31, file: 'src/main.ts' },
    ]);
    expect(own[2].context).toEqual({
      line: 15,
      before: ["import { Socket } from 'nestjs-channels';", 'export class RoomChannel {'],
      after: ['}'],
    });
  });

  test('reports a snippet that does not compile with its page, its line and the tsc error', () => {
    const reported = failures
      .filter((failure) => failure.page === SELF_TEST_PAGE)
      .map(({ line, message }) => ({ line, code: /error (TS\d+)/.exec(message)?.[1] }));
    expect(reported).toEqual([
      { line: 5, code: 'TS2322' },
      { line: 9, code: 'TS7006' },
      { line: 22, code: 'TS2339' },
      { line: 32, code: 'TS2322' },
    ]);
    expect(format(failures.filter((failure) => failure.line === 22 && failure.page === SELF_TEST_PAGE))).toContain(
      `${SELF_TEST_PAGE}:22 (the snippet starting at line 21)\n  error TS2339: Property 'broadcastEverywhere' does not exist`,
    );
  });
});
