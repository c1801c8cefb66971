// The app's modules: the ONE file outside a module's own folder that names
// modules (test/boundaries.test.ts holds everything else to that). Their
// order is the order of the Sphere tabs and of the settings' checkboxes.
// Adding a module to the app is one import and one array entry here; its
// folder has index.ts (its ClientModule, lazy pages) and eager.ts (the same
// pages for the server render, picked up by entry-server.tsx).
import type { ClientModule } from '../client';
import discussions from './discussions';
import featureRequests from './feature-requests';
import polls from './polls';

export const modules: readonly ClientModule[] = [featureRequests, discussions, polls];
