// The fixture's bundle entry (test/templates.test.ts builds it as the server bundle is built).
import { LocationProvider } from 'preact-iso';
import { renderCases } from './fixture';

(globalThis as { templateCases?: typeof renderCases }).templateCases = renderCases;
// The server config's rewrites check that the router is in the bundle.
(globalThis as { router?: unknown }).router = LocationProvider;
