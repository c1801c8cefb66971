// Browser entry: hydrates the server-rendered page (or renders into the
// empty shell), with each module's pages loaded lazily. (preact-iso's own
// hydrate() only hydrates next to a <script type=isodata>; Preact's always does.)
import { hydrate, render } from 'preact';
import { LocationProvider } from './client';
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
