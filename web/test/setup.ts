import { cleanup } from '@testing-library/preact';
import { afterEach, vi } from 'vitest';
import { resetSession } from '../src/client';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  globalThis.__SSR_DATA__ = undefined;
  resetSession();
});
