/** An XRPC error (`{"error": "Name", "message": "..."}`) or a failure to reach the server. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** The XRPC error name, e.g. `InvalidRequest`, `SphereNotFound`, `NetworkError`. */
  readonly error: string;

  constructor(status: number, error: string, message: string) {
    super(message);
    this.status = status;
    this.error = error;
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  /** The Sphere doesn't enable the module this was asked of (HTTP 404). */
  get moduleDisabled(): boolean {
    return this.error === 'ModuleDisabled';
  }

  /**
   * The session lacks an OAuth permission the action needs (HTTP 403): a
   * module came after the person signed in. Signing in again asks for it.
   */
  get scopeMissing(): boolean {
    return this.error === 'ScopeMissing';
  }
}

/** Turns whatever a call threw into an ApiError, keeping ApiErrors as they are. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof Error) return new ApiError(0, 'NetworkError', `Could not reach the server: ${e.message}`);
  return new ApiError(0, 'UnknownError', String(e));
}

/** Reads an XRPC error body, whatever shape the server (or a proxy) sent. */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object') {
    const { error, message } = body as { error?: unknown; message?: unknown };
    if (typeof error === 'string' || typeof message === 'string') {
      return new ApiError(
        status,
        typeof error === 'string' ? error : `HTTP${status}`,
        typeof message === 'string' && message ? message : String(error),
      );
    }
  }
  const text = typeof body === 'string' && body.trim() && body.length < 200 ? `: ${body.trim()}` : '';
  return new ApiError(status, `HTTP${status}`, `The server answered ${status}${text}`);
}
