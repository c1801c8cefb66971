// The app's modules, in route order. Adding a module's pages to the app is
// one import and one array entry here (and in eager.ts for server rendering).
import type { ClientModule } from '../client';
import featureRequests from './feature-requests';
import spheres from './spheres';

export const modules: ClientModule[] = [spheres, featureRequests];
