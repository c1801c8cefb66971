// A real AT Protocol network on 127.0.0.1 for Exosphere's tests: a did:plc
// directory and Bluesky's own PDS (with its OAuth authorization server).
// Started by backend/testkit (Rust) as `node --require ./guard.cjs testnet.mjs`;
// prints one JSON line when ready, then serves until stdin closes.
//
// Beside them it serves a stand-in Jetstream (Jetstream v1 JSON over
// WebSocket at ws://127.0.0.1:N/subscribe, made from the PDS's real firehose,
// with wantedCollections prefixes, wantedDids and time_us cursor replay) and,
// on the same port, a relay's com.atproto.sync.listReposByCollection.
//
// stdin commands, one JSON object per line, each answered by one JSON line:
//   {"cmd":"createAccount","name":"dave"}          -> {"ok":true,"account":{...}}
//   {"cmd":"deactivate","did":"did:plc:..."}        -> {"ok":true}
//   {"cmd":"activate","did":"did:plc:..."}          -> {"ok":true}
//   {"cmd":"serviceJwt","did":"did:plc:...","aud":"did:web:...","lxm":"...","exp":N,"iat":N}
//                                                   -> {"ok":true,"token":"..."}
//     a service-auth token signed by the PDS with the account's own key, as
//     com.atproto.server.getServiceAuth makes them, but with any exp and iat
//     (getServiceAuth refuses times in the past, which tests of expiry need).
import http from 'node:http'
import net from 'node:net'
import readline from 'node:readline'
import { TestNetworkNoAppView } from '@atproto/dev-env'
// Installed with the PDS (a dependency of @atproto/pds); what the PDS signs service tokens with.
import { createServiceJwt } from '@atproto/xrpc-server'
import { IdResolver } from '@atproto/identity'
import { lexToJson } from '@atproto/lex-json'
import { Firehose, MemoryRunner } from '@atproto/sync'
import { WebSocketServer } from 'ws'

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

const network = await TestNetworkNoAppView.create({
  plc: { port: await freePort() },
  pds: { port: await freePort() },
})
// The PDS sequencer looks for new events with a back-off capped at 1 s when
// idle; look every 10 ms so firehose events follow writes promptly in tests.
const seq = network.pds.ctx.sequencer
seq.exponentialBackoff = async function () {
  this.triesWithNoResults++
  await new Promise((r) => setTimeout(r, 10))
}

const pds = network.pds.url
const xrpc = async (nsid, body, token) => {
  const headers = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(new URL(`/xrpc/${nsid}`, pds), { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  if (!res.ok) throw new Error(`${nsid}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : {}
}
const accounts = {}
const createAccount = async (name) => {
  const password = `${name}-pass`
  const r = await xrpc('com.atproto.server.createAccount', {
    handle: `${name}.test`,
    email: `${name}@test.invalid`,
    password,
  })
  accounts[name] = { did: r.did, handle: r.handle, password, accessJwt: r.accessJwt }
  return accounts[name]
}
for (const name of ['alice', 'bob', 'carol']) await createAccount(name)

const setStatus = async (did, active) => {
  const account = Object.values(accounts).find((a) => a.did === did)
  if (!account) throw new Error(`unknown account ${did}`)
  // The account deactivates or reactivates itself, as a person would.
  if (active) await xrpc('com.atproto.server.activateAccount', undefined, account.accessJwt)
  else await xrpc('com.atproto.server.deactivateAccount', {}, account.accessJwt)
}

// ---- Jetstream stand-in ------------------------------------------------------
const history = [] // { time_us, did, collection|null, json }
let lastUs = 0
const nowUs = () => {
  const t = Math.max(Date.now() * 1000, lastUs + 1)
  lastUs = t
  return t
}
const clients = new Set()
const toJetstream = (evt) => {
  const base = { did: evt.did, time_us: nowUs() }
  switch (evt.event) {
    case 'create':
    case 'update':
      return { ...base, kind: 'commit', commit: { rev: evt.rev, operation: evt.event, collection: evt.collection, rkey: evt.rkey, record: lexToJson(evt.record), cid: evt.cid.toString() } }
    case 'delete':
      return { ...base, kind: 'commit', commit: { rev: evt.rev, operation: 'delete', collection: evt.collection, rkey: evt.rkey } }
    case 'identity':
      return { ...base, kind: 'identity', identity: { did: evt.did, ...(evt.handle ? { handle: evt.handle } : {}), seq: evt.seq, time: evt.time } }
    case 'account':
      return { ...base, kind: 'account', account: { active: evt.active, did: evt.did, seq: evt.seq, ...(evt.status ? { status: evt.status } : {}), time: evt.time } }
    default:
      return null
  }
}
const wants = (f, e) => {
  if (f.dids.size && !f.dids.has(e.did)) return false
  if (e.collection == null) return true
  if (!f.exact.size && !f.prefixes.length) return true
  return f.exact.has(e.collection) || f.prefixes.some((p) => e.collection.startsWith(p))
}
const firehose = new Firehose({
  service: pds.replace(/^http/, 'ws'),
  idResolver: new IdResolver({ plcUrl: network.plc.url, fetch: globalThis.fetch }),
  runner: new MemoryRunner({ startCursor: 0 }),
  unauthenticatedHandles: true,
  handleEvent: async (evt) => {
    const js = toJetstream(evt)
    if (!js) return
    const e = { time_us: js.time_us, did: js.did, collection: js.commit?.collection ?? null, json: JSON.stringify(js) }
    history.push(e)
    for (const c of clients) if (c.live && wants(c.filter, e)) c.ws.send(e.json)
  },
  onError: (err) => console.error('firehose error:', err.message),
})
firehose.start()

// listReposByCollection, as a relay answers it: every repo of the PDS holding the collection.
const listReposByCollection = async (collection) => {
  const repos = []
  let cursor
  do {
    const url = new URL('/xrpc/com.atproto.sync.listRepos', pds)
    if (cursor) url.searchParams.set('cursor', cursor)
    const page = await (await fetch(url)).json()
    for (const repo of page.repos ?? []) {
      const described = await (await fetch(new URL(`/xrpc/com.atproto.repo.describeRepo?repo=${repo.did}`, pds))).json()
      if ((described.collections ?? []).includes(collection)) repos.push({ did: repo.did })
    }
    cursor = page.cursor
  } while (cursor)
  return repos
}
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x')
  if (url.pathname === '/xrpc/com.atproto.sync.listReposByCollection') {
    const repos = await listReposByCollection(url.searchParams.get('collection') ?? '')
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ repos }))
    return
  }
  res.writeHead(404).end()
})
const wss = new WebSocketServer({ noServer: true })
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x')
  if (url.pathname !== '/subscribe') {
    socket.destroy()
    return
  }
  const cols = url.searchParams.getAll('wantedCollections')
  const filter = {
    exact: new Set(cols.filter((c) => !c.endsWith('.*'))),
    prefixes: cols.filter((c) => c.endsWith('.*')).map((c) => c.slice(0, -1)),
    dids: new Set(url.searchParams.getAll('wantedDids')),
  }
  const cursor = url.searchParams.has('cursor') ? Number(url.searchParams.get('cursor')) : null
  wss.handleUpgrade(req, socket, head, (ws) => {
    const c = { ws, filter, live: false }
    clients.add(c)
    ws.on('close', () => clients.delete(c))
    if (cursor != null) for (const e of history) if (e.time_us >= cursor && wants(filter, e)) ws.send(e.json)
    c.live = true
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const relay = `http://127.0.0.1:${server.address().port}`
const jetstream = `ws://127.0.0.1:${server.address().port}/subscribe`

let closing = false
const shutdown = async () => {
  if (closing) return
  closing = true
  try {
    for (const c of clients) c.ws.terminate()
    server.close()
    await firehose.destroy()
    await network.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)

console.log(JSON.stringify({ ready: true, plc: network.plc.url, pds, jetstream, relay, accounts }))

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  let reply
  try {
    const msg = JSON.parse(line)
    if (msg.cmd === 'createAccount') reply = { ok: true, account: await createAccount(msg.name) }
    else if (msg.cmd === 'deactivate') reply = (await setStatus(msg.did, false), { ok: true })
    else if (msg.cmd === 'activate') reply = (await setStatus(msg.did, true), { ok: true })
    else if (msg.cmd === 'serviceJwt') {
      const keypair = await network.pds.ctx.actorStore.keypair(msg.did)
      const token = await createServiceJwt({ iss: msg.did, aud: msg.aud, lxm: msg.lxm, exp: msg.exp, iat: msg.iat, keypair })
      reply = { ok: true, token }
    }
    else reply = { ok: false, error: `unknown command ${msg.cmd}` }
  } catch (err) {
    reply = { ok: false, error: String(err?.message ?? err) }
  }
  console.log(JSON.stringify(reply))
})
// The test process is gone (or done): stop with it.
rl.on('close', shutdown)
