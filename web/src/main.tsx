// Browser entry: hydrates the server-rendered page (or renders into the
// empty shell), with each module's pages loaded lazily.
import { render } from 'preact';
import { hydrate, LocationProvider } from './client';
import { App, startSession } from './app';
import { modules } from './modules';

startSession();

const root = document.getElementById('app');
if (root) {
  const app = (
    <LocationProvider>
      <App modules={modules} />
    </LocationProvider>
  );
  if (root.firstElementChild) hydrate(app, root);
  else render(app, root);
}
