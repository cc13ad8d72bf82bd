import { hostname } from 'node:os';

/** Settings the sample reads from the environment, once, at boot. */
export interface AppConfig {
  host: string;
  port: number;
  /** Tokens older than this are refused (`TOKEN_MAX_AGE_S`). */
  tokenMaxAgeS: number;
  /** Signs session tokens (`TOKEN_SECRET`, at least 32 bytes); every node of a cluster needs the same one. */
  tokenSecret: string;
  /** `REDIS_URL`: when set, broadcasts, presences and the chat history reach every node on that Redis. */
  redisUrl: string | undefined;
  /**
   * This node's name among the Presence replicas (`NODE_NAME`, default `<host name>:<port>`), so
   * a node restarted on the same port takes over its previous run's place at once. Undefined on
   * port 0 (any free port), where the library's unique default applies.
   */
  nodeName: string | undefined;
}

/** Injection token of the {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');

// A fixed default keeps tokens valid across restarts, so open pages reconnect on their own.
// It is public: set TOKEN_SECRET to anything else outside a demo.
export const DEMO_TOKEN_SECRET = 'nestjs-channels-sample-demo-secret';

/** HS256 secrets shorter than its hash are weak: ChannelsAuthModule refuses them too. */
const MIN_SECRET_BYTES = 32;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = toInteger('PORT', env.PORT, 4000);
  const tokenSecret = env.TOKEN_SECRET || DEMO_TOKEN_SECRET;
  if (Buffer.byteLength(tokenSecret) < MIN_SECRET_BYTES) {
    throw new TypeError(`TOKEN_SECRET must be at least ${MIN_SECRET_BYTES} bytes long`);
  }
  return {
    host: env.HOST || '127.0.0.1',
    port,
    tokenMaxAgeS: toInteger('TOKEN_MAX_AGE_S', env.TOKEN_MAX_AGE_S, 86_400),
    tokenSecret,
    redisUrl: env.REDIS_URL || undefined,
    nodeName: env.NODE_NAME || (port === 0 ? undefined : `${hostname()}:${port}`),
  };
}

function toInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}
