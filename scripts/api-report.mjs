#!/usr/bin/env node
// The API reports, etc/nestjs-channels.api.md, etc/nestjs-channels-testing.api.md and
// etc/nestjs-channels-client.api.md: everything the entry points export, as api-extractor reads the
// declarations the build ships.
//   node scripts/api-report.mjs            check (npm test): fails when the surface differs from the reports
//   node scripts/api-report.mjs --update   rewrites the reports (npm run api:update)
//
// The declarations are built with tsconfig.build.json (internals stripped, as `npm run build`)
// into tmp/api-report/dist. A copy of them is also installed there as node_modules/nestjs-channels,
// so that the testing entry's imports from 'nestjs-channels' resolve as they do in a user's app:
// to another package, which api-extractor reports as an import instead of as types the testing
// entry forgot to export.
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, ExtractorMessageCategory } from '@microsoft/api-extractor';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const STAGE = join(REPO, 'tmp', 'api-report');
const ENTRY_POINTS = [
  { config: 'etc/api-extractor.main.json', name: 'nestjs-channels', declarations: 'dist/index.d.ts' },
  { config: 'etc/api-extractor.testing.json', name: 'nestjs-channels/testing', declarations: 'dist/testing/index.d.ts' },
  { config: 'etc/api-extractor.client.json', name: 'nestjs-channels/client', declarations: 'dist/client/index.d.ts' },
];
const update = process.argv.includes('--update');

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
// Ends the package scope here: without it, 'nestjs-channels' would resolve to the repo itself.
writeFileSync(join(STAGE, 'package.json'), '{ "private": true, "type": "module" }\n');

const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const args = [tsc, '-p', 'tsconfig.build.json', '--outDir', join(STAGE, 'dist'), '--emitDeclarationOnly'];
if (spawnSync(process.execPath, args, { cwd: REPO, stdio: 'inherit' }).status !== 0) {
  fail('the declarations do not build (tsc -p tsconfig.build.json)');
}

const installed = join(STAGE, 'node_modules', 'nestjs-channels');
cpSync(join(STAGE, 'dist'), join(installed, 'dist'), { recursive: true });
const manifest = { name: 'nestjs-channels', type: 'module', exports: { '.': { types: './dist/index.d.ts' } } };
writeFileSync(join(installed, 'package.json'), `${JSON.stringify(manifest)}\n`);

// The declarations as a user's compiler reads them (api-extractor skips that check to save time):
// e.g. a class that still `implements` an interface whose members were stripped fails here.
const checkConfig = {
  compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022', 'DOM'], types: ['node'], strict: true, noEmit: true },
  files: ENTRY_POINTS.map(({ declarations }) => declarations),
};
writeFileSync(join(STAGE, 'tsconfig.json'), JSON.stringify(checkConfig));
const typecheck = new Promise((resolve) => {
  const child = spawn(process.execPath, [tsc, '-p', join(STAGE, 'tsconfig.json')], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  child.on('close', (code) => resolve({ code, output }));
});

const configs = ENTRY_POINTS.map(({ config }) => ExtractorConfig.loadFileAndPrepare(join(REPO, config)));
// One program for every entry point: the overridden tsconfig lists them all.
const compilerState = CompilerState.create(configs[0]);
let failed = false;
const changed = [];

for (const [index, config] of configs.entries()) {
  // A "local build" writes the report without comparing it (its report folder is tmp/ too).
  const result = Extractor.invoke(config, {
    localBuild: true,
    compilerState,
    messageCallback: (message) => {
      if (message.category === ExtractorMessageCategory.Console && message.logLevel !== ExtractorLogLevel.Error) {
        message.handled = true;
      }
    },
  });
  failed ||= !result.succeeded;

  const { fileName } = config.reportConfigs[0];
  const actual = withoutNoise(readFileSync(join(STAGE, fileName), 'utf8')).replace(/^(## API Report File for )"[^"]*"/, `$1"${ENTRY_POINTS[index].name}"`);
  const reportPath = join(REPO, 'etc', fileName);
  const expected = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : undefined;
  if (actual === expected) continue;
  changed.push(relative(REPO, reportPath));
  if (update) {
    writeFileSync(reportPath, actual);
  } else {
    const built = join(STAGE, `${fileName}.built`);
    writeFileSync(built, actual);
    const diff = spawnSync('diff', ['-u', '--label', `committed ${fileName}`, '--label', 'built from lib/', reportPath, built], {
      stdio: 'inherit',
    });
    if (diff.error) console.error(`Compare ${relative(REPO, reportPath)} with ${relative(REPO, built)}.`);
  }
}

const declarations = await typecheck;
if (declarations.code !== 0) {
  console.error(declarations.output);
  console.error('The built declarations do not compile (above): a stripped @internal declaration is still named by a public one?');
  failed = true;
}

const advice = 'If the change is intended, run `npm run api:update` and commit the report with it';
if (update) {
  if (failed) fail('api-extractor or tsc reported errors (above)');
  console.log(changed.length > 0 ? `API report updated: ${changed.join(', ')}. Review and commit it.` : 'API reports: unchanged.');
} else if (changed.length > 0) {
  const errors = failed ? '; api-extractor or tsc also reported errors (above)' : '';
  fail(`the public API differs from ${changed.join(', ')} (diff above)${errors}. ${advice}`);
} else if (failed) {
  fail('api-extractor or tsc reported errors (above)');
} else {
  console.log('API reports: up to date.');
}

/** Drops the lines api-extractor adds to every item: every declaration left is public, and doc comments are not the surface. */
function withoutNoise(report) {
  return report
    .split('\n')
    .flatMap((line) => {
      const comment = /^(\s*)\/\/ (.*)$/.exec(line);
      if (!comment) return [line];
      const parts = comment[2].split(' ').filter((part) => part !== '@public' && part !== '(undocumented)');
      if (parts.length === 0) return [];
      return [`${comment[1]}// ${parts.join(' ')}`];
    })
    .join('\n');
}

function fail(reason) {
  console.error(`API report: ${reason}.`);
  process.exit(1);
}
