import type { Cluster, Redis } from 'ioredis';

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
      throw new Error('The Redis PubSub adapter needs the "ioredis" package, which is not installed: npm install ioredis');
    }
    throw error;
  }
  // Named exports when Node detects them in the CommonJS build; module.exports otherwise.
  const classes = loaded.Redis ? loaded : loaded.default;
  if (!classes?.Redis || !classes.Cluster) throw new Error('The installed "ioredis" package exports no Redis/Cluster classes');
  return { Redis: classes.Redis, Cluster: classes.Cluster };
}
