import { cleanup } from '@testing-library/preact';
import { afterEach, beforeEach, vi } from 'vitest';
import { installModules, resetClock, resetSession, unreadCount } from '../src/client';
import { modules } from '../src/modules/registry';

// What the browser entry does first (the server entry installs its eager
// variant at each render); a test may install other modules for itself.
beforeEach(() => {
  installModules(modules);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  globalThis.__SSR_DATA__ = undefined;
  resetSession();
  resetClock();
  unreadCount.value = undefined;
});
