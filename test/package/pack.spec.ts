import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect, createClient, join as joinChannel, push } from '../support/phoenix-client.js';
import { writeFreshApp } from './fresh-app.js';

// The package as users get it: `npm pack`, installed into a fresh Nest app outside the repo.

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
// The repo's own compiler builds the fresh app: installing TypeScript there would only cost time.
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const SLOW_MS = 120_000;
const READY = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/** The environment without what `npm test` adds (npm_config_*, ...), so nested npm runs see only their own folder. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$)/i.test(name)));

const sh = (command: string, args: string[], cwd: string) =>
  run(command, args, { cwd, env: cleanEnv, maxBuffer: 64 * 1024 * 1024 });

let workDir: string;
let tarball: string;
let packedFiles: string[];
let app: ChildProcess | undefined;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'nestjs-channels-pack-'));
  await sh('npm', ['run', 'build'], REPO);
  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', workDir], REPO);
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(workDir, packed.filename);
  packedFiles = packed.files.map((file) => file.path);
}, SLOW_MS);

afterAll(async () => {
  app?.kill('SIGKILL');
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('holds dist/ with its type declarations, README, LICENSE and package.json', () => {
    const expected = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.d.ts'];
    expect(packedFiles).toEqual(expect.arrayContaining(expected));
  });

  test('holds every file package.json points users at', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      exports: Record<string, string | Record<string, string>>;
    };
    const entries = Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry)));
    const targets = [manifest.main, manifest.types, ...entries].map((target) => target.replace(/^\.\//, ''));
    expect(packedFiles).toEqual(expect.arrayContaining(targets));
  });

  test('holds no sources, tests, sample or bench', () => {
    const unwanted = packedFiles.filter(
      (file) =>
        /^(lib|test|sample|bench|docs|\.ci)\//.test(file) ||
        /\.spec\.|(^|\/)(tests?|__tests__)\//.test(file) ||
        (file.endsWith('.ts') && !file.endsWith('.d.ts')),
    );
    expect(unwanted).toEqual([]);
  });
});

describe('a fresh Nest app outside the repo', () => {
  test(
    'installs the tarball, starts with one channel, and answers a phoenix client join and push',
    async () => {
      const appDir = join(workDir, 'fresh-app');
      await writeFreshApp(appDir, tarball);
      await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], appDir);
      await sh(process.execPath, [TSC, '-p', 'tsconfig.json'], appDir);

      app = spawn(process.execPath, ['dist/main.js'], { cwd: appDir, env: cleanEnv });
      const { port, output } = await readyPort(app);
      expect(output).toContain('testing entry point: function'); // nestjs-channels/testing resolves too

      const socket = createClient(`ws://127.0.0.1:${port}/socket`);
      try {
        await connect(socket);
        const channel = socket.channel('echo:42');
        expect(await joinChannel(channel)).toEqual({ status: 'ok', response: { joined: 'echo:42' } });
        expect(await push(channel, 'ping', { n: 41 })).toEqual({ status: 'ok', response: { pong: 42 } });
      } finally {
        socket.disconnect();
      }
    },
    SLOW_MS,
  );
});

/** Resolves with the port of the app's ready line; rejects with its output if it exits first. */
function readyPort(child: ChildProcess, timeoutMs = 20_000): Promise<{ port: number; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`the fresh app did not start: ${why}\n${output}`));
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = READY.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      resolve({ port: Number(ready[1]), output });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(`it exited with ${code}`));
  });
}
