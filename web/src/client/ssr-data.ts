// Server-rendered data. The Rust server runs a page's queries in-process and
// injects the results as `window.__SSR_DATA__ = { [queryKey]: result }`; the
// first render in the browser (hydration) uses them instead of fetching. A
// query that failed is injected as `{ "$error": { status, error, message } }`.
import { ApiError } from './errors';

export type SsrData = Record<string, unknown>;

export interface SsrErrorEntry {
  $error: { status: number; error: string; message: string };
}

declare global {
  // eslint-disable-next-line no-var
  var __SSR_DATA__: SsrData | undefined;
}

let serverData: SsrData | undefined;
let serverRender = false;

/** Called by the server-render entry before each render. */
export function beginServerRender(data: SsrData | undefined): void {
  serverRender = true;
  serverData = data ?? {};
}

/** True while rendering on the server (QuickJS, no DOM): nothing fetches there. */
export function isServer(): boolean {
  return serverRender || typeof document === 'undefined';
}

function store(): SsrData | undefined {
  return serverRender ? serverData : globalThis.__SSR_DATA__;
}

export function isSsrError(value: unknown): value is SsrErrorEntry {
  return !!value && typeof value === 'object' && '$error' in value;
}

export type SsrLookup<T> = { data: T } | { error: ApiError } | undefined;

/** The injected result of one query, if the server sent one. */
export function readSsrData<T>(key: string): SsrLookup<T> {
  const data = store();
  if (!data || !Object.prototype.hasOwnProperty.call(data, key)) return undefined;
  const value = data[key];
  if (isSsrError(value)) {
    const { status, error, message } = value.$error;
    return { error: new ApiError(status, error, message) };
  }
  return { data: value as T };
}

/**
 * Forgets the injected data: it describes the page the server rendered, so
 * after the first client-side navigation every query fetches.
 */
export function forgetSsrData(): void {
  if (!serverRender) globalThis.__SSR_DATA__ = undefined;
}
