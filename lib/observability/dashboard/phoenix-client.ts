import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ChannelsError } from '../../errors/channels.error.js';

/**
 * The official phoenix client as an ES module (`phoenix/priv/static/phoenix.mjs`), which the
 * dashboard page loads from the app (no CDN). Resolved with `require.resolve` (its `require`
 * entry, `phoenix.cjs.js`, sits next to it), first from this package (npm and yarn hoist `phoenix`
 * beside it), then from the app's directory (pnpm links an optional peer only when the app
 * depends on it). Read once, at boot. `from`: where to resolve it from (tests give others).
 */
export function readPhoenixClient(from: string[] = [import.meta.url, join(process.cwd(), 'package.json')]): string {
  for (const base of from) {
    let entry: string;
    try {
      entry = createRequire(base).resolve('phoenix');
    } catch (error) {
      if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') continue;
      throw error;
    }
    // Without its source map comment: the page serves no map.
    return readFileSync(join(dirname(entry), 'phoenix.mjs'), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  }
  throw new ChannelsError(
    'CHANNELS_ERR_OPTIONAL_PEER_MISSING',
    'ChannelsDashboardModule serves the official phoenix client to its page, from the "phoenix" package, which is not installed: npm install phoenix',
  );
}
