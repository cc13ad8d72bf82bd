import type { Cluster, Redis } from 'ioredis';
import { ChannelsError } from '../../errors/channels.error.js';

/** The two ioredis classes the adapter needs. */
export interface IoRedisClasses {
  Redis: typeof Redis;
  Cluster: typeof Cluster;
}

/**
 * Imports ioredis on first use: it is an optional peer dependency, needed only by apps that run
 * several nodes, so in-memory users never load (or install) it.
 */
export async function loadIoredis(): Promise<IoRedisClasses> {
  let loaded: Partial<IoRedisClasses> & { default?: Partial<IoRedisClasses> };
  try {
    loaded = (await import('ioredis')) as typeof loaded;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new ChannelsError(
        'CHANNELS_ERR_IOREDIS_MISSING',
        'The Redis PubSub adapter needs the "ioredis" package, which is not installed: npm install ioredis',
        { cause: error },
      );
    }
    throw error;
  }
  // Named exports when Node detects them in the CommonJS build; module.exports otherwise.
  const classes = loaded.Redis ? loaded : loaded.default;
  if (!classes?.Redis || !classes.Cluster) {
    throw new ChannelsError(
      'CHANNELS_ERR_IOREDIS_INCOMPATIBLE',
      'The installed "ioredis" package exports no Redis/Cluster classes: install a supported version, npm install ioredis@5',
    );
  }
  return { Redis: classes.Redis, Cluster: classes.Cluster };
}
