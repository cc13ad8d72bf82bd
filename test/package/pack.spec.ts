import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, createClient, join as joinChannel, push } from '../support/phoenix-client.js';
import { COMMONJS_TYPECHECKS, writeCommonJsApp } from './commonjs-app.js';
import { HARNESS_TEST, writeEsmApp } from './esm-app.js';
import { packFreshClone, type PackedClone } from './fresh-clone.js';
import { node, outcomes, sh, startApp, type RunningApp, type SpecReport } from './processes.js';

// The package as users get it: `npm pack` on a fresh clone, installed into fresh Nest apps outside
// the repo (an ES-module app and a CommonJS app), each started and driven by the phoenix client,
// and `nestjs-channels/testing` used from vitest and from jest.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// The repo's own TypeScript 7: the ES-module app needs no other.
const TSC7 = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const PACK_MS = 180_000;
// An install may fetch vitest, vite and TypeScript 5 from the registry when the npm cache lacks them.
const APP_MS = 300_000;
const REPLY_MS = 10_000;

let workDir: string;
let packed: PackedClone;
let esmApp: Promise<string>;
let commonJsApp: Promise<string>;
const running: RunningApp[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'nestjs-channels-pack-'));
  packed = await packFreshClone(REPO, join(workDir, 'clone'), workDir);
  // Both apps install at once; each test waits for the one it uses.
  esmApp = installApp(join(workDir, 'esm-app'), writeEsmApp);
  commonJsApp = installApp(join(workDir, 'commonjs-app'), writeCommonJsApp);
}, PACK_MS);

afterAll(async () => {
  for (const app of running) app.stop();
  await Promise.allSettled([esmApp, commonJsApp]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, APP_MS);

describe('npm pack on a fresh clone', () => {
  test('builds dist/ in prepack: the clone has none, the tarball has it', () => {
    expect(packed.hadDist).toBe(false);
    expect(packed.files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/testing/index.js', 'dist/client/index.js']));
  });

  test('holds dist/ with its type declarations, README, LICENSE and package.json', () => {
    const expected = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.d.ts', 'dist/client/index.d.ts'];
    expect(packed.files).toEqual(expect.arrayContaining(expected));
  });

  test('holds every file package.json points users at', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    const targets = [manifest.main, manifest.types, manifest.exports, manifest.typesVersions].flatMap(leaves);
    expect(packed.files).toEqual(expect.arrayContaining(targets.map((target) => target.replace(/^\.\//, ''))));
  });

  test('holds no sources, tests, sample or bench', () => {
    const unwanted = packed.files.filter(
      (file) =>
        /^(lib|test|sample|bench|docs|\.ci)\//.test(file) ||
        /\.spec\.|(^|\/)(tests?|__tests__)\//.test(file) ||
        (file.endsWith('.ts') && !file.endsWith('.d.ts')),
    );
    expect(unwanted).toEqual([]);
  });
});

describe('a fresh ES-module Nest app', () => {
  test(
    'installs the tarball, builds (moduleResolution nodenext), starts, and answers a phoenix client join and push',
    async () => {
      const dir = await esmApp;
      await node([TSC7, '-p', 'tsconfig.json'], dir);
      const app = await start('dist/main.js', dir);
      expect(app.output).toContain('testing entry point: function'); // nestjs-channels/testing resolves too
      expect(app.output).toContain('client entry point: function'); // and nestjs-channels/client
      await expectEchoOverPhoenix(app.port);
    },
    APP_MS,
  );

  test(
    'type-checks under moduleResolution node16 and bundler too',
    async () => {
      const dir = await esmApp;
      await Promise.all(['tsconfig.node16.json', 'tsconfig.bundler.json'].map((tsconfig) => node([TSC7, '-p', tsconfig], dir)));
    },
    APP_MS,
  );

  test(
    'passes a vitest spec that drives the channel through ChannelsTestHarness',
    async () => {
      const dir = await esmApp;
      await node(['node_modules/vitest/vitest.mjs', 'run', '--reporter=json', '--outputFile=vitest-report.json'], dir);
      expect(outcomes(await report(dir, 'vitest-report.json'))).toEqual({ passed: [HARNESS_TEST], failed: [] });
    },
    APP_MS,
  );

  test(
    'passes the same spec under jest in its ESM mode (@swc/jest)',
    async () => {
      const dir = await esmApp;
      await node(['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--json', '--outputFile=jest-report.json'], dir);
      expect(outcomes(await report(dir, 'jest-report.json'))).toEqual({ passed: [HARNESS_TEST], failed: [] });
    },
    APP_MS,
  );
});

describe('a fresh CommonJS Nest app', () => {
  test(
    'compiles with TypeScript 5 (module commonjs, moduleResolution node), starts with require(), and answers a phoenix client join and push',
    async () => {
      const dir = await commonJsApp;
      await node(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], dir);
      expect(await readFile(join(dir, 'dist', 'main.js'), 'utf8')).toContain('require("nestjs-channels/testing")');

      const app = await start('dist/main.js', dir);
      expect(app.output).toContain('module system: commonjs');
      const required = join(await realpath(dir), 'node_modules', 'nestjs-channels', 'dist', 'index.js');
      expect(app.output).toContain(`nestjs-channels: ${required}`); // through the "default" condition
      expect(app.output).toContain('testing entry point: function');
      expect(app.output).toContain('client entry point: function'); // an ES module, through require(esm)
      await expectEchoOverPhoenix(app.port);
    },
    APP_MS,
  );

  test(
    'type-checks under moduleResolution nodenext (TypeScript 5 and 7), module commonjs alone (7) and node16 (5 and 7)',
    async () => {
      const dir = await commonJsApp;
      const compilers = { tsc5: join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), tsc7: TSC7 };
      const checks = await Promise.allSettled(
        COMMONJS_TYPECHECKS.map(({ tsconfig, compiler }) => node([compilers[compiler], '-p', tsconfig], dir)),
      );
      const failed = checks.flatMap((check, i) => {
        const { compiler, tsconfig } = COMMONJS_TYPECHECKS[i];
        return check.status === 'rejected' ? [`${compiler} -p ${tsconfig}: ${String(check.reason)}`] : [];
      });
      expect(failed).toEqual([]);
    },
    APP_MS,
  );
});

/** Writes an app with `write`, installs it, and resolves with its folder; never an unhandled rejection. */
function installApp(dir: string, write: (dir: string, tarball: string) => Promise<void>): Promise<string> {
  const installed = (async () => {
    await write(dir, packed.tarball);
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    return dir;
  })();
  installed.catch(() => undefined); // the tests that await it report the failure
  return installed;
}

async function start(main: string, dir: string): Promise<RunningApp> {
  const app = await startApp(main, dir);
  running.push(app);
  return app;
}

async function expectEchoOverPhoenix(port: number): Promise<void> {
  const socket = createClient(`ws://127.0.0.1:${port}/socket`);
  try {
    await connect(socket, REPLY_MS);
    const channel = socket.channel('echo:42');
    expect(await joinChannel(channel, REPLY_MS)).toEqual({ status: 'ok', response: { joined: 'echo:42' } });
    expect(await push(channel, 'ping', { n: 41 }, REPLY_MS)).toEqual({ status: 'ok', response: { pong: 42 } });
    expect(await push(channel, 'say', { text: 'hi' }, REPLY_MS)).toEqual({ status: 'ok', response: { said: 'hi' } });
    expect(await push(channel, 'say', { text: 1 }, REPLY_MS)).toEqual({ status: 'error', response: { reason: 'invalid', errors: ['text must be a string'] } });
  } finally {
    socket.disconnect();
  }
}

async function report(dir: string, file: string): Promise<SpecReport> {
  return JSON.parse(await readFile(join(dir, file), 'utf8')) as SpecReport;
}

/** The strings at the leaves of a package.json field: paths, for the fields this test reads. */
function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [];
}
