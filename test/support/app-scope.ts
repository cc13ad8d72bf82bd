import type { Type } from '@nestjs/common';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';

/** The app of the enclosing `describe` block, available once its `beforeAll` ran. */
export interface AppHandle {
  readonly current: TestApp;
  /** A provider of the running app, e.g. a fixture's journal. */
  get<T>(type: Type<T>): T;
}

/** Boots an app before the block's tests and closes it after them. */
export function useTestApp(options: () => TestAppOptions): AppHandle {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(options());
  });
  afterAll(async () => {
    await app?.close();
    app = undefined;
  });
  return {
    get current(): TestApp {
      if (!app) throw new Error('the test app is not running (used outside a test?)');
      return app;
    },
    get<T>(type: Type<T>): T {
      return this.current.app.get(type, { strict: false });
    },
  };
}
