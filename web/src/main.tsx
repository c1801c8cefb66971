// Browser entry: installs the registry's modules, then hydrates the
// server-rendered page (or renders into the empty shell), with the pages
// loaded lazily. (preact-iso's own hydrate() only hydrates next to a
// <script type=isodata>; Preact's always does.)
import { hydrate, render } from 'preact';
import { installModules, LocationProvider } from './client';
import { App, startSession } from './app';
import { modules } from './modules/registry';
import { coreRoutes } from './modules/spheres';

installModules(modules);
startSession();

const root = document.getElementById('app');
if (root) {
  const app = (
    <LocationProvider>
      <App core={coreRoutes} />
    </LocationProvider>
  );
  if (root.firstElementChild) hydrate(app, root);
  else render(app, root);
}
