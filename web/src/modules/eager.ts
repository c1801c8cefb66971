// The same modules with their pages imported directly, for server rendering
// (a lazy page would suspend, and the server renders in one synchronous pass).
import type { ClientModule } from '../client';
import featureRequests from './feature-requests/eager';
import spheres from './spheres/eager';

export const modules: ClientModule[] = [spheres, featureRequests];
