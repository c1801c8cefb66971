// A real AT Protocol network on 127.0.0.1 for Exosphere's tests: a did:plc
// directory and Bluesky's own PDS (with its OAuth authorization server).
// Started by backend/testkit (Rust) as `node --require ./guard.cjs testnet.mjs`;
// prints one JSON line when ready, then serves until stdin closes.
//
// stdin commands, one JSON object per line, each answered by one JSON line:
//   {"cmd":"createAccount","name":"dave"}          -> {"ok":true,"account":{...}}
//   {"cmd":"deactivate","did":"did:plc:..."}        -> {"ok":true}
//   {"cmd":"activate","did":"did:plc:..."}          -> {"ok":true}
import net from 'node:net'
import readline from 'node:readline'
import { TestNetworkNoAppView } from '@atproto/dev-env'

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
// The PDS sequencer polls with a back-off capped at 1 s when idle; poll every
// 10 ms so firehose events follow writes promptly in tests.
const seq = network.pds.ctx.sequencer
seq.exponentialBackoff = async function () {
  this.triesWithNoResults++
  await new Promise((r) => setTimeout(r, 10))
}

const pds = network.pds.url
const xrpc = async (nsid, body, token) => {
  const headers = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(new URL(`/xrpc/${nsid}`, pds), { method: 'POST', headers, body: JSON.stringify(body) })
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

const admin = 'Basic ' + Buffer.from(`admin:${network.pds.ctx.cfg.service.adminPassword ?? 'admin-pass'}`).toString('base64')
const setStatus = async (did, active) => {
  const account = Object.values(accounts).find((a) => a.did === did)
  if (!account) throw new Error(`unknown account ${did}`)
  // The account deactivates or reactivates itself, as a person would.
  if (active) await xrpc('com.atproto.server.activateAccount', {}, account.accessJwt)
  else await xrpc('com.atproto.server.deactivateAccount', {}, account.accessJwt)
}

let closing = false
const shutdown = async () => {
  if (closing) return
  closing = true
  try {
    await network.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)

console.log(JSON.stringify({ ready: true, plc: network.plc.url, pds, admin, accounts }))

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  let reply
  try {
    const msg = JSON.parse(line)
    if (msg.cmd === 'createAccount') reply = { ok: true, account: await createAccount(msg.name) }
    else if (msg.cmd === 'deactivate') reply = (await setStatus(msg.did, false), { ok: true })
    else if (msg.cmd === 'activate') reply = (await setStatus(msg.did, true), { ok: true })
    else reply = { ok: false, error: `unknown command ${msg.cmd}` }
  } catch (err) {
    reply = { ok: false, error: String(err?.message ?? err) }
  }
  console.log(JSON.stringify(reply))
})
// The test process is gone (or done): stop with it.
rl.on('close', shutdown)
