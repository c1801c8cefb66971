// Times the server bundle's render of one page in Node (V8), beside the
// QuickJS figure the Rust server's benchmarks measure for the same page:
//   node web/scripts/render-time.mjs <dist/server/render.js> <url> <data.json> [renders]
// data.json is the page's __SSR_DATA__ as the server embedded it. Each timed
// render parses the data and renders, as the server's engine call does.
// Prints {"p50","p99","renders","bytes"} (milliseconds) as JSON.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const [bundle, url, dataFile, count = '300'] = process.argv.slice(2);
if (!bundle || !url || !dataFile) {
  console.error('usage: render-time.mjs <render.js> <url> <data.json> [renders]');
  process.exit(2);
}
// Nothing but the language's own globals, as in QuickJS.
const context = vm.createContext({});
vm.runInContext(readFileSync(bundle, 'utf8'), context);
const data = readFileSync(dataFile, 'utf8');
const render = () => context.exosphereRender(url, JSON.parse(data)).html.length;
const renders = Number(count);
// Warm up: V8 compiles hot functions after some calls.
for (let i = 0; i < 100; i++) render();
const times = [];
let bytes = 0;
for (let i = 0; i < renders; i++) {
  const started = performance.now();
  bytes = render();
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const at = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
console.log(JSON.stringify({ p50: at(0.5), p99: at(0.99), renders, bytes }));
