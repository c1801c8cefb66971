import { readFileSync } from 'node:fs';
import variant from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
const code = readFileSync('/work/main/web/dist/server/render.js', 'utf8');
const QuickJS = await newQuickJSWASMModuleFromVariant(variant);
const vm = QuickJS.newContext();
const run = (s) => { const r = vm.unwrapResult(vm.evalCode(s)); const v = vm.dump(r); r.dispose(); return v; };
run(code);
const url = '/s/bench/feature-requests/1';
const qs = JSON.parse(run(`JSON.stringify(exosphereQueries(${JSON.stringify(url)}))`));

const sphere = { uri: 'at://did:plc:o/site.exosphere.sphere/bench', slug: 'bench', name: 'Bench', visibility: 'public', writeMode: 'open', modules: ['feature-requests'], owner: { did: 'did:plc:o', handle: 'o.test' }, memberCount: 1, createdAt: '2026-01-02T03:04:05Z' };
const request = { uri: 'at://did:plc:a/site.exosphere.featureRequest/r1', cid: 'bafy', number: 1, sphere: sphere.uri, title: 'Keyboard shortcuts', description: 'Power users want to move through requests, vote and comment without a mouse. j/k to move, v to vote, c to comment.', author: { did: 'did:plc:a', handle: 'a.test' }, status: 'planned', voteCount: 42, commentCount: 50, createdAt: '2026-01-03T00:00:00Z' };
const comments = Array.from({ length: Number(process.env.N ?? 50) }, (_, i) => ({ uri: `at://did:plc:c${i}/site.exosphere.featureRequestComment/c${i}`, cid: 'b', request: request.uri, author: { did: `did:plc:c${i}` }, text: `Comment number ${i}: this would save me a lot of time every day, please consider it.`, voteCount: i % 7, createdAt: `2026-01-03T00:${String(i).padStart(2, '0')}:00.000Z` }));
const data = {};
for (const q of qs) {
  if (q.nsid.endsWith('getSession')) data[q.key] = { loggedIn: false };
  else if (q.nsid.endsWith('getSphere')) data[q.key] = { sphere };
  else if (q.nsid.endsWith('getRequest')) data[q.key] = { request, statusHistory: [] };
  else if (q.nsid.endsWith('listComments')) data[q.key] = { comments };
  else console.log('unknown', q.nsid);
}
const d = JSON.stringify(data);
let out;
for (let i = 0; i < 20; i++) out = run(`exosphereRender(${JSON.stringify(url)}, JSON.parse(${JSON.stringify(d)}))`);
const n = 100; const t = performance.now();
for (let i = 0; i < n; i++) run(`exosphereRender(${JSON.stringify(url)}, JSON.parse(${JSON.stringify(d)}))`);
console.log('render ms', ((performance.now() - t) / n).toFixed(2), 'html bytes', out.length);
const t2 = performance.now();
for (let i = 0; i < n; i++) run(`exosphereQueries(${JSON.stringify(url)})`);
console.log('queries ms', ((performance.now() - t2) / n).toFixed(2));
const t3 = performance.now();
for (let i = 0; i < n; i++) run(`JSON.parse(${JSON.stringify(d)}).length`);
console.log('parse ms', ((performance.now() - t3) / n).toFixed(3));
const o = run(`exosphereRender(${JSON.stringify(url)}, JSON.parse(${JSON.stringify(d)}))`);
console.log(typeof o, Object.keys(o), o.html?.length, (o.html?.match(/Comment number/g) ?? []).length, o.status);
