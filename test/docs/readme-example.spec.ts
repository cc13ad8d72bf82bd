import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { WebSocket } from 'ws';
import { createAppDir, REPO, tsc } from './app-dir.js';
import { extractSnippets } from './markdown-snippets.js';
import { COMPILER_OPTIONS } from './snippet-check.js';

// The README's complete example as a reader copies it: its files compiled and started, its Node
// client run against it, and SIGTERM draining it with close code 1012, as the page says.

const README_URL = 'ws://127.0.0.1:4000/socket';
const SLOW_MS = 120_000;

let appDir: string;
let app: ChildProcess;
let port: number;

beforeAll(async () => {
  const snippets = extractSnippets(readFileSync(join(REPO, 'README.md'), 'utf8'), 'README.md');
  const client = snippets.find((snippet) => !snippet.file && snippet.code.includes("from 'ws'"));
  if (!client?.code.includes(README_URL)) throw new Error(`README.md has no Node client snippet connecting to ${README_URL}`);

  appDir = await createAppDir('nestjs-channels-readme-', { declarationsOnly: false });
  for (const { file, code } of snippets.filter((snippet) => snippet.file)) {
    await mkdir(join(appDir, dirname(file!)), { recursive: true });
    await writeFile(join(appDir, file!), code);
  }
  port = await freePort();
  await writeFile(join(appDir, 'client.ts'), client.code.replace(README_URL, `ws://127.0.0.1:${port}/socket`));
  const compilerOptions = { ...COMPILER_OPTIONS, noEmit: false, outDir: 'dist', rootDir: '.', types: ['node'] };
  await writeFile(join(appDir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src', 'client.ts'] }));
  const { output, failed } = await tsc(['-p', 'tsconfig.json'], appDir);
  if (failed) throw new Error(`the README example does not compile:\n${output}`);

  app = spawn(process.execPath, ['dist/src/main.js'], { cwd: appDir, env: { ...process.env, PORT: String(port) } });
  await outputMatching(app, /Nest application successfully started/);
}, SLOW_MS);

afterAll(async () => {
  app?.kill('SIGKILL');
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

describe("README.md's complete example", () => {
  test('answers its Node client: the join and the new_msg push get ok replies, then the script ends', async () => {
    const client = spawn(process.execPath, ['dist/client.js'], { cwd: appDir });
    let output = '';
    client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    client.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => client.kill('SIGKILL'), 15_000);
    const [code] = await once(client, 'exit');
    clearTimeout(timer);
    expect({ code, output }).toEqual({ code: 0, output: '' });
  }, 20_000);

  test('refuses a client whose user param its socket handler rejects, with HTTP 403', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/socket/websocket?user=${encodeURIComponent('not a name')}&vsn=2.0.0`);
    socket.on('error', () => {}); // the aborted handshake
    const [request, response] = await once(socket, 'unexpected-response');
    request.destroy();
    expect(response.statusCode).toBe(403);
  });

  test('drains on SIGTERM (enableShutdownHooks): open sockets close with 1012 and the app exits', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/socket/websocket?user=ann&vsn=2.0.0`);
    await once(socket, 'open');
    const closed = once(socket, 'close');
    const exited = once(app, 'exit');
    app.kill('SIGTERM');
    const [code] = await closed;
    expect(code).toBe(1012);
    await exited;
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once `child` printed a line matching `pattern`; rejects with its output if it exits or takes 20 s. */
function outputMatching(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(`nothing matched ${pattern} within 20 s`), 20_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`the README example did not start: ${why}\n${output}`));
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (!pattern.test(output)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) => fail(`it exited with ${code}`);
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', onExit);
  });
}
