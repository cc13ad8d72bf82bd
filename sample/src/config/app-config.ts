/** Settings the sample reads from the environment, once, at boot. */
export interface AppConfig {
  host: string;
  port: number;
  /** Tokens older than this are refused (`TOKEN_MAX_AGE_S`). */
  tokenMaxAgeS: number;
  /** Signs session tokens (`TOKEN_SECRET`); every node of a cluster needs the same one. */
  tokenSecret: string;
  /** `REDIS_URL`: when set, broadcasts (and the chat history) reach every node on that Redis. */
  redisUrl: string | undefined;
}

/** Injection token of the {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');

// A fixed default keeps tokens valid across restarts, so open pages reconnect on their own.
// It is public: set TOKEN_SECRET to anything else outside a demo.
export const DEMO_TOKEN_SECRET = 'nestjs-channels-sample-demo-secret';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    host: env.HOST || '127.0.0.1',
    port: toInteger('PORT', env.PORT, 4000),
    tokenMaxAgeS: toInteger('TOKEN_MAX_AGE_S', env.TOKEN_MAX_AGE_S, 86_400),
    tokenSecret: env.TOKEN_SECRET || DEMO_TOKEN_SECRET,
    redisUrl: env.REDIS_URL || undefined,
  };
}

function toInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}
