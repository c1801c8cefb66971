// Signal-based data loading: a Resource is { data, error, loading, refetch }.
// Every query has a key (method + sorted parameters) shared with the server,
// which uses it to inject server-rendered results (see ssr-data.ts).
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import { useMemo } from 'preact/hooks';
import { cleanParams, type Output, type QueryMethod, type QueryParams, xrpcQuery } from './api';
import { type ApiError, toApiError } from './errors';
import { isServer, readSsrData } from './ssr-data';

/**
 * The key of a query: the NSID, then `?` and the parameters as
 * `key=value` pairs joined by `&` — pairs sorted by key, then by value
 * (arrays give one pair per item), keys and values encoded with
 * encodeURIComponent, pairs whose value is undefined, null, '' or [] left
 * out. No parameters: just the NSID. The server builds the same string.
 */
export function queryKey(nsid: string, params?: object): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(cleanParams(params ?? {}))) {
    for (const item of Array.isArray(v) ? v : [v]) pairs.push([k, String(item)]);
  }
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  if (pairs.length === 0) return nsid;
  return `${nsid}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

/** One XRPC query a page needs: what the server prefetches and the page reads. */
export interface QuerySpec<N extends QueryMethod = QueryMethod> {
  nsid: N;
  params: QueryParams<N>;
}

export function querySpec<N extends QueryMethod>(nsid: N, params: QueryParams<N>): QuerySpec<N> {
  return { nsid, params: cleanParams(params) };
}

export function specKey(spec: QuerySpec): string {
  return queryKey(spec.nsid, spec.params);
}

export interface Resource<T> {
  readonly key: string;
  readonly data: ReadonlySignal<T | undefined>;
  readonly error: ReadonlySignal<ApiError | undefined>;
  readonly loading: ReadonlySignal<boolean>;
  /** Fetches again; only the latest of overlapping fetches lands. */
  refetch(): Promise<void>;
  /** Replaces the data locally (after a write whose result we already have). */
  set(data: T): void;
}

/**
 * A Resource for `key`: starts from the server-rendered value when there is
 * one, fetches otherwise (never on the server, where it stays loading).
 */
export function createResource<T>(key: string, fetcher: () => Promise<T>): Resource<T> {
  const data = signal<T | undefined>(undefined);
  const error = signal<ApiError | undefined>(undefined);
  const loading = signal(false);
  let latest = 0;

  async function refetch(): Promise<void> {
    const mine = ++latest;
    loading.value = true;
    try {
      const value = await fetcher();
      if (mine === latest) {
        batch(() => {
          data.value = value;
          error.value = undefined;
        });
      }
    } catch (e) {
      if (mine === latest) error.value = toApiError(e);
    } finally {
      if (mine === latest) loading.value = false;
    }
  }

  const injected = readSsrData<T>(key);
  if (injected && 'data' in injected) data.value = injected.data;
  else if (injected) error.value = injected.error;
  else if (isServer()) loading.value = true;
  else void refetch();

  return {
    key,
    data,
    error,
    loading,
    refetch,
    set(value: T) {
      data.value = value;
    },
  };
}

/** A Resource that lives as long as the component and its key. */
export function useResource<T>(key: string, fetcher: () => Promise<T>): Resource<T> {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => createResource(key, fetcher), [key]);
}

export function useQuery<N extends QueryMethod>(spec: QuerySpec<N>): Resource<Output<N>> {
  return useResource(specKey(spec), () => xrpcQuery(spec.nsid, spec.params));
}

export interface Page<I> {
  items: I[];
  cursor?: string | undefined;
}

/** A list read page by page: the first page is a Resource (server-renderable), later ones are appended. */
export interface PagedList<O, I> {
  /** The first page, as the API returned it. */
  readonly first: Resource<O>;
  readonly items: ReadonlySignal<I[]>;
  readonly hasMore: ReadonlySignal<boolean>;
  readonly loadingMore: ReadonlySignal<boolean>;
  readonly moreError: ReadonlySignal<ApiError | undefined>;
  loadMore(): Promise<void>;
  /** Reloads from the first page. */
  reload(): Promise<void>;
}

export function createPagedList<O, I>(
  key: string,
  fetchPage: (cursor: string | undefined) => Promise<O>,
  pick: (out: O) => Page<I>,
): PagedList<O, I> {
  const first = createResource(key, () => fetchPage(undefined));
  const firstPage = computed(() => (first.data.value === undefined ? undefined : pick(first.data.value)));
  const more = signal<I[]>([]);
  const moreCursor = signal<string | undefined | null>(null); // null: use the first page's cursor
  const loadingMore = signal(false);
  const moreError = signal<ApiError | undefined>(undefined);
  const cursor = computed(() => (moreCursor.value === null ? firstPage.value?.cursor : moreCursor.value));
  let generation = 0;

  return {
    first,
    items: computed(() => [...(firstPage.value?.items ?? []), ...more.value]),
    hasMore: computed(() => !!cursor.value),
    loadingMore,
    moreError,
    async loadMore() {
      const from = cursor.value;
      if (!from || loadingMore.value) return;
      const mine = generation;
      loadingMore.value = true;
      moreError.value = undefined;
      try {
        const page = pick(await fetchPage(from));
        if (mine !== generation) return;
        batch(() => {
          more.value = [...more.value, ...page.items];
          moreCursor.value = page.cursor;
        });
      } catch (e) {
        if (mine === generation) moreError.value = toApiError(e);
      } finally {
        if (mine === generation) loadingMore.value = false;
      }
    },
    async reload() {
      generation++;
      batch(() => {
        more.value = [];
        moreCursor.value = null;
        loadingMore.value = false;
        moreError.value = undefined;
      });
      await first.refetch();
    },
  };
}

/**
 * A paged XRPC list: `pick` takes the items out of one page's output. The
 * first page's key is the spec's key, so the server can render it.
 */
export function usePagedQuery<N extends QueryMethod, I>(
  spec: QuerySpec<N>,
  pick: (out: Output<N>) => I[],
): PagedList<Output<N>, I> {
  const key = specKey(spec);
  return useMemo(
    () =>
      createPagedList<Output<N>, I>(
        key,
        (cursor) => xrpcQuery(spec.nsid, { ...spec.params, cursor } as QueryParams<N>),
        (out) => ({ items: pick(out), cursor: (out as { cursor?: string }).cursor }),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
}
