import {
  BASE_COMPILER_OPTIONS,
  CHECK_ONLY,
  ECHO_CHANNEL_TS,
  REGISTRY_VERSIONS,
  appDependencies,
  installedVersion,
  writeFiles,
} from './fresh-app.js';

/**
 * The CommonJS app's tsconfigs beside `tsconfig.json` (TypeScript 5, `module: commonjs`,
 * `moduleResolution: node`, the node10 resolution that ignores "exports"), with the compiler
 * that checks each: the repo's TypeScript 7 (`tsc7`) or the app's TypeScript 5 (`tsc5`).
 */
export const COMMONJS_TYPECHECKS = [
  // `nest new --type commonjs` (Nest 12): a CommonJS file that may require() ES modules.
  { tsconfig: 'tsconfig.nodenext.json', compiler: 'tsc5' },
  { tsconfig: 'tsconfig.nodenext.json', compiler: 'tsc7' },
  // `module: commonjs` alone: TypeScript 6 and 7 then resolve as a bundler does.
  { tsconfig: 'tsconfig.commonjs.json', compiler: 'tsc7' },
  // node16 calls every require() of an ES module an error (Node 16 had none), Nest's own included:
  // a type-only import with resolution-mode "import" is how a CommonJS file names their types.
  { tsconfig: 'tsconfig.node16.json', compiler: 'tsc5' },
  { tsconfig: 'tsconfig.node16.json', compiler: 'tsc7' },
] as const;

/**
 * Writes a minimal CommonJS Nest app in `dir` (no "type" in package.json, `module: commonjs`):
 * the same channel as the ES-module app, started from `src/main.ts` without top-level await, and
 * compiled by TypeScript 5 from the registry, whose node10 resolution reads "typesVersions" for
 * `nestjs-channels/testing` and `nestjs-channels/client`. At run time its require() calls load the ES modules of Nest and of
 * the package (Node's require(esm)).
 */
export async function writeCommonJsApp(dir: string, tarball: string): Promise<void> {
  const compile = { ...BASE_COMPILER_OPTIONS, module: 'commonjs', rootDir: 'src', outDir: 'dist' };
  const check = { ...compile, ...CHECK_ONLY };
  await writeFiles(dir, {
    'package.json': {
      name: 'fresh-commonjs-app',
      private: true,
      dependencies: appDependencies(tarball),
      devDependencies: {
        '@types/node': installedVersion('@types/node'),
        // nestjs-channels/client's declarations name phoenix's types.
        '@types/phoenix': installedVersion('@types/phoenix'),
        typescript: REGISTRY_VERSIONS.typescript,
      },
    },
    'tsconfig.json': { compilerOptions: { ...compile, moduleResolution: 'node' }, include: ['src'] },
    'tsconfig.nodenext.json': { compilerOptions: { ...check, module: 'nodenext', moduleResolution: 'nodenext' }, include: ['src'] },
    'tsconfig.commonjs.json': { compilerOptions: check, include: ['src'] },
    'tsconfig.node16.json': {
      compilerOptions: { ...check, module: 'node16', moduleResolution: 'node16', rootDir: 'types' },
      include: ['types'],
    },
    'src/echo.channel.ts': ECHO_CHANNEL_TS,
    'src/main.ts': MAIN_TS,
    'types/resolution-mode.ts': RESOLUTION_MODE_TS,
  });
}

const MAIN_TS = `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { recoverableChannel } from 'nestjs-channels/client';
import { ChannelsTestHarness } from 'nestjs-channels/testing';
import { AppModule } from './echo.channel.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(\`module system: \${typeof require === 'function' && typeof module === 'object' ? 'commonjs' : 'esm'}\`);
  console.log(\`nestjs-channels: \${require.resolve('nestjs-channels')}\`);
  console.log(\`testing entry point: \${typeof ChannelsTestHarness.create}\`);
  console.log(\`client entry point: \${typeof recoverableChannel}\`);
  console.log(\`listening on http://127.0.0.1:\${port}\`);
}

void bootstrap();
`;

const RESOLUTION_MODE_TS = `import type { ChannelsModule } from 'nestjs-channels' with { 'resolution-mode': 'import' };
import type { ChannelsTestHarness } from 'nestjs-channels/testing' with { 'resolution-mode': 'import' };
import type { recoverableChannel } from 'nestjs-channels/client' with { 'resolution-mode': 'import' };

export type EntryPoints = [typeof ChannelsModule.forRoot, typeof ChannelsTestHarness.create, typeof recoverableChannel];
`;
