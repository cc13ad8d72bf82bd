import { existsSync } from 'node:fs';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sh } from './processes.js';

export interface PackedClone {
  /** The tarball `npm pack` wrote. */
  tarball: string;
  /** The paths inside it, as `npm pack --json` lists them. */
  files: string[];
  /** Whether the clone held a `dist/` before `npm pack` ran (it must not). */
  hadDist: boolean;
}

/**
 * Packs the repository as a fresh clone would: the files git tracks or would track (ignored
 * ones such as `dist/` and `node_modules/` left out) are copied to `cloneDir`, the repository's
 * `node_modules` is linked in for the build tools, and `npm pack` runs there without a build
 * first, so only its `prepack` script can put `dist/` into the tarball.
 */
export async function packFreshClone(repo: string, cloneDir: string, packDestination: string): Promise<PackedClone> {
  const { stdout: listed } = await sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], repo);
  // A tracked file deleted in the work tree is still listed: a clone of the next commit would lack it.
  const files = listed.split('\0').filter((file) => file !== '' && existsSync(join(repo, file)));
  await Promise.all(
    files.map(async (file) => {
      await mkdir(dirname(join(cloneDir, file)), { recursive: true });
      await cp(join(repo, file), join(cloneDir, file));
    }),
  );
  await symlink(join(repo, 'node_modules'), join(cloneDir, 'node_modules'), 'dir');
  const hadDist = existsSync(join(cloneDir, 'dist'));

  const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', packDestination], cloneDir);
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(packDestination, packed.filename), files: packed.files.map((file) => file.path), hadDist };
}
