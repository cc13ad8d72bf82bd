import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * A temporary folder laid out like an app that installed the package: an ES module
 * `package.json`, and `node_modules/` with the repo's packages (symlinked) and
 * `nestjs-channels` built from `lib/` with `tsconfig.build.json`, next to the repo's own
 * `package.json`, so its `exports` decide what `nestjs-channels` and `nestjs-channels/testing`
 * resolve to. `declarationsOnly` skips the JavaScript (enough to typecheck).
 */
export async function createAppDir(prefix: string, { declarationsOnly }: { declarationsOnly: boolean }): Promise<string> {
  const appDir = await mkdtemp(join(tmpdir(), prefix));
  const modules = join(appDir, 'node_modules');
  const own = join(modules, 'nestjs-channels');
  await mkdir(own, { recursive: true });
  for (const name of await readdir(join(REPO, 'node_modules'))) {
    if (name.startsWith('.') || name === 'nestjs-channels') continue;
    await symlink(join(REPO, 'node_modules', name), join(modules, name), 'dir');
  }
  await writeFile(join(own, 'package.json'), await readFile(join(REPO, 'package.json')));
  await writeFile(join(appDir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  // Where the build's outDir `dist` would be.
  const build = ['-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(own, 'dist')];
  if (declarationsOnly) build.push('--declaration', '--emitDeclarationOnly');
  const { output, failed } = await tsc(build, REPO);
  if (failed) throw new Error(`building the library failed:\n${output}`);
  return appDir;
}

/** Runs the repo's TypeScript compiler; `output` is what it printed. */
export async function tsc(args: string[], cwd: string): Promise<{ output: string; failed: boolean }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSC, ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { output: `${stdout}${stderr}`, failed: false };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { output: `${stdout}${stderr}`, failed: true };
  }
}
