import {
  BASE_COMPILER_OPTIONS,
  CHECK_ONLY,
  ECHO_CHANNEL_TS,
  REGISTRY_VERSIONS,
  appDependencies,
  installedVersion,
  writeFiles,
} from './fresh-app.js';

/** The test name the harness spec reports, under vitest and under jest alike. */
export const HARNESS_TEST = 'EchoChannel through nestjs-channels/testing joins and answers a push';

/**
 * Writes a minimal ES-module Nest app in `dir`, the way a user starts one (without the nest CLI,
 * which fetches its schematics): it depends on the packed `tarball`, serves `src/echo.channel.ts`
 * from `src/main.ts` (which prints `listening on http://127.0.0.1:PORT`), and tests that channel
 * with `nestjs-channels/testing` from one spec that both vitest and jest (ESM mode) run.
 *
 * - `tsconfig.json` builds `src/` with `moduleResolution: nodenext`; `tsconfig.node16.json` and
 *   `tsconfig.bundler.json` only type-check it under those resolutions.
 * - vitest as `nest new` (Nest 12) sets it up: vite 8 compiles TypeScript with Oxc, which emits
 *   decorator metadata when tsconfig.json asks for it, so no SWC plugin.
 * - jest in its ESM mode with `@swc/jest`, as this repository runs its own tests.
 */
export async function writeEsmApp(dir: string, tarball: string): Promise<void> {
  // @types/phoenix: nestjs-channels/client's declarations name phoenix's types.
  const devTools = ['@types/node', '@types/phoenix', '@nestjs/testing', 'jest', '@swc/jest', '@swc/core'];
  await writeFiles(dir, {
    'package.json': {
      name: 'fresh-esm-app',
      private: true,
      type: 'module',
      dependencies: appDependencies(tarball),
      devDependencies: {
        ...Object.fromEntries(devTools.map((name) => [name, installedVersion(name)])),
        vitest: REGISTRY_VERSIONS.vitest,
        vite: REGISTRY_VERSIONS.vite,
      },
    },
    'tsconfig.json': {
      compilerOptions: { ...BASE_COMPILER_OPTIONS, module: 'nodenext', moduleResolution: 'nodenext', rootDir: 'src', outDir: 'dist' },
      include: ['src'],
    },
    'tsconfig.node16.json': {
      extends: './tsconfig.json',
      compilerOptions: { module: 'node16', moduleResolution: 'node16', ...CHECK_ONLY },
    },
    'tsconfig.bundler.json': {
      extends: './tsconfig.json',
      compilerOptions: { module: 'preserve', moduleResolution: 'bundler', ...CHECK_ONLY },
    },
    'src/echo.channel.ts': ECHO_CHANNEL_TS,
    'src/main.ts': MAIN_TS,
    'test/echo.harness.spec.ts': HARNESS_SPEC_TS,
    'vitest.config.ts': VITEST_CONFIG_TS,
    'jest.config.js': JEST_CONFIG_JS,
  });
}

const MAIN_TS = `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { recoverableChannel } from 'nestjs-channels/client';
import { ChannelsTestHarness } from 'nestjs-channels/testing';
import { AppModule } from './echo.channel.js';

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as { port: number };
console.log(\`testing entry point: \${typeof ChannelsTestHarness.create}\`);
console.log(\`client entry point: \${typeof recoverableChannel}\`);
console.log(\`listening on http://127.0.0.1:\${port}\`);
`;

// Globals (describe, it, expect) as jest has them and as \`nest new\` configures vitest.
const HARNESS_SPEC_TS = `import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { ChannelsTestHarness } from 'nestjs-channels/testing';
import { AppModule } from '../src/echo.channel.js';

describe('EchoChannel through nestjs-channels/testing', () => {
  let moduleRef: TestingModule;
  let channels: ChannelsTestHarness;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    moduleRef.useLogger(['error']);
    channels = await ChannelsTestHarness.create(moduleRef);
  });
  afterEach(() => channels.close());
  afterAll(() => moduleRef.close());

  it('joins and answers a push', async () => {
    const socket = await channels.connect();
    const echo = await socket.subscribeAndJoin('echo:42');
    expect(echo.joinResponse).toEqual({ joined: 'echo:42' });
    await echo.assertReply(echo.push('ping', { n: 41 }), 'ok', { pong: 42 });
  });
});
`;

const VITEST_CONFIG_TS = `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: true,
    include: ['test/**/*.spec.ts'],
  },
});
`;

const JEST_CONFIG_JS = `export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\\\.{1,2}/.*)\\\\.js$': '$1' },
  transform: {
    '^.+\\\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
};
`;
