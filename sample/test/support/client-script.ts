import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFileSync } from '@swc/core';

const SOURCE = fileURLToPath(new URL('../../../lib/client/index.ts', import.meta.url));

let built: string | undefined;

/**
 * The recovery helper as the page loads it, built from `lib/client/` (types stripped, as the
 * library's build does): tests run the sources, so there is no `dist/` to serve it from. Written
 * once per test process, to a temporary file named by its content (reused, never piled up).
 */
export function clientScriptFromSources(): string {
  if (built === undefined) {
    const { code } = transformFileSync(SOURCE, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
    built = join(tmpdir(), `nestjs-channels-client-${hash}.js`);
    writeFileSync(built, code);
  }
  return built;
}
