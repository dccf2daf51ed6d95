// The reference AT Protocol PDS (@atproto/pds) and a PLC directory
// (@did-plc/server, in-memory database) in one Node process, both on
// 127.0.0.1, for relais' tests. Started by scripts/pds-test-server.sh, which
// copies this file next to the installed node_modules and runs it with the
// Node 22 installed there.
//
// Environment (set by the shell script):
//   RELAIS_PDS_STATE       state dir: admin-password (read), data/ (sqlite,
//                          actors, blobs), url (written once /xrpc/_health answers)
//   RELAIS_PDS_WATCH_PID   optional: stop when this process is gone
//   RELAIS_PDS_MAX_SECONDS stop after this many seconds (0 = never)
//
// Nothing secret is printed: the admin password is read from a file, the JWT
// secret and the PLC rotation key are random and live only in this process.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const stateDir = process.env.RELAIS_PDS_STATE;
if (!stateDir) {
  console.error('pds-server: RELAIS_PDS_STATE is not set');
  process.exit(2);
}
const watchPid = Number(process.env.RELAIS_PDS_WATCH_PID || 0);
const maxSeconds = Number(process.env.RELAIS_PDS_MAX_SECONDS || 0);
const dataDir = path.join(stateDir, 'data');
const adminPassword = fs.readFileSync(path.join(stateDir, 'admin-password'), 'utf8').trim();

const log = (msg) => console.error(`pds-server: ${msg}`);

// A port that is free on 127.0.0.1 right now (the kernel picks it).
const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

// --- PLC directory -----------------------------------------------------------
const plcPkg = (await import('@did-plc/server')).default;
const plc = plcPkg.PlcServer.create({ db: plcPkg.Database.mock() });
// PlcServer.start() would listen on every interface: serve its app ourselves.
const plcServer = http.createServer(plc.app);
await new Promise((resolve, reject) => {
  plcServer.once('error', reject);
  plcServer.listen(0, '127.0.0.1', resolve);
});
const plcPort = plcServer.address().port;
// The PDS's PLC client wants a host name here, not an IP address.
const plcUrl = `http://localhost:${plcPort}`;

// --- PDS ---------------------------------------------------------------------
fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true });
fs.mkdirSync(path.join(dataDir, 'blobs-tmp'), { recursive: true });

const { PDS, envToCfg, envToSecrets, readEnv } = await import('@atproto/pds');

const startPds = async (port) => {
  Object.assign(process.env, {
    PDS_PORT: String(port),
    PDS_HOSTNAME: 'localhost', // => public URL http://localhost:PORT, did:web:localhost
    PDS_DEV_MODE: 'true', // plain http, no SSRF guard on loopback
    PDS_DATA_DIRECTORY: dataDir,
    PDS_BLOBSTORE_DISK_LOCATION: path.join(dataDir, 'blobs'),
    PDS_BLOBSTORE_DISK_TMP_LOCATION: path.join(dataDir, 'blobs-tmp'),
    PDS_DID_PLC_URL: plcUrl,
    PDS_SERVICE_HANDLE_DOMAINS: '.test',
    PDS_INVITE_REQUIRED: 'false',
    PDS_RATE_LIMITS_ENABLED: 'false',
    PDS_ACCEPTING_REPO_IMPORTS: 'true',
    PDS_CRAWLERS: '',
    PDS_ADMIN_PASSWORD: adminPassword,
    PDS_JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    PDS_DPOP_SECRET: crypto.randomBytes(32).toString('hex'),
    PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: crypto.randomBytes(32).toString('hex'),
  });
  // No AppView, moderation or report service: app.bsky.* reads are not
  // available; tests read back with com.atproto.repo.*.
  for (const name of [
    'PDS_BSKY_APP_VIEW_URL',
    'PDS_BSKY_APP_VIEW_DID',
    'PDS_MOD_SERVICE_URL',
    'PDS_MOD_SERVICE_DID',
    'PDS_REPORT_SERVICE_URL',
    'PDS_REPORT_SERVICE_DID',
    'PDS_EMAIL_SMTP_URL',
    'PDS_EMAIL_FROM_ADDRESS',
  ]) {
    delete process.env[name];
  }
  const env = readEnv();
  const pds = await PDS.create(envToCfg(env), envToSecrets(env));
  // PDS.start() calls app.listen(port), which binds every interface.
  const listen = pds.app.listen.bind(pds.app);
  pds.app.listen = (p) => listen(p, '127.0.0.1');
  try {
    await pds.start();
  } catch (err) {
    await pds.destroy().catch(() => {});
    throw err;
  }
  return pds;
};

let pds;
let pdsPort;
for (let attempt = 1; !pds; attempt++) {
  pdsPort = await freePort();
  try {
    pds = await startPds(pdsPort);
  } catch (err) {
    // Someone took the port between the probe and the listen: try another.
    if (err?.code !== 'EADDRINUSE' || attempt >= 10) throw err;
  }
}
const url = `http://localhost:${pdsPort}`;

// --- shutdown ----------------------------------------------------------------
let stopping = false;
const shutdown = async (why, code = 0) => {
  if (stopping) return;
  stopping = true;
  log(`stopping (${why})`);
  setTimeout(() => process.exit(code), 5000).unref();
  // Idle keep-alive connections would hold http-terminator for its 5 s grace.
  pds.server?.closeIdleConnections();
  await pds.destroy().catch((err) => log(`PDS shutdown: ${err}`));
  plcServer.closeAllConnections();
  await new Promise((resolve) => plcServer.close(resolve));
  process.exit(code);
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
if (watchPid > 0) {
  setInterval(() => {
    try {
      process.kill(watchPid, 0);
    } catch (err) {
      if (err.code === 'ESRCH') shutdown(`watched process ${watchPid} is gone`);
    }
  }, 500).unref();
}
if (maxSeconds > 0) {
  setTimeout(() => shutdown(`ran ${maxSeconds} s`), maxSeconds * 1000).unref();
}

// --- ready -------------------------------------------------------------------
const health = await fetch(`${url}/xrpc/_health`);
if (!health.ok) {
  log(`GET /xrpc/_health answered ${health.status}`);
  await shutdown('not healthy', 1);
}
log(`PDS ${(await health.json()).version} on ${url}, PLC on ${plcUrl} (pid ${process.pid})`);
// Written last, atomically: its presence means "ready".
fs.writeFileSync(path.join(stateDir, 'plc-url.tmp'), `${plcUrl}\n`);
fs.renameSync(path.join(stateDir, 'plc-url.tmp'), path.join(stateDir, 'plc-url'));
fs.writeFileSync(path.join(stateDir, 'url.tmp'), `${url}\n`);
fs.renameSync(path.join(stateDir, 'url.tmp'), path.join(stateDir, 'url'));
