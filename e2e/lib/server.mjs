// Starts a relais server with demo data for one test file.
//
//   const server = await startServer();   // { baseURL, dataDir, output(), stop() }
//   ...
//   await server.stop();
//
// The binary is $E2E_RELAIS_BIN (scripts/test.sh sets it to the debug build).
// Each server gets a fresh data directory, listens on 127.0.0.1 on a port the
// OS picks, and is seeded with the demo users, whose password is DEMO_PASSWORD.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const DEMO_PASSWORD = 'e2e-Password-42';

export const DEMO_USERS = Object.freeze({
  owner: 'owner@demo.local',
  manager: 'manager@demo.local',
  cm: 'cm@demo.local',
  client: 'client@demo.local',
  viewer: 'viewer@demo.local',
});

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const MAX_KEPT_OUTPUT = 64 * 1024;

// The app reads its configuration from RELAIS_* variables: none of the
// caller's may leak into the server under test.
function serverEnv() {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('RELAIS_')) env[name] = value;
  }
  return env;
}

function keepTail(text) {
  return text.length > MAX_KEPT_OUTPUT ? text.slice(-MAX_KEPT_OUTPUT) : text;
}

const SMTP_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'smtp-test-server.sh');

/**
 * A real SMTP server (aiosmtpd, scripts/smtp-test-server.sh) of this test file,
 * in a state directory of its own: { url, mailDir, stateDir, stop() }.
 */
export async function startSmtpSink() {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'relais-e2e-smtp-'));
  const env = { ...process.env, SMTP_TEST_STATE_DIR: stateDir, SMTP_TEST_WATCH_PID: String(process.pid) };
  const run = (cmd) => execFileSync('bash', [SMTP_SCRIPT, cmd], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const url = run('start');
  const mailDir = run('dir');
  return {
    url,
    mailDir,
    stateDir,
    async stop() {
      try { run('stop'); } finally { await rm(stateDir, { recursive: true, force: true }); }
    },
  };
}

/**
 * Waits until a message received by the sink contains `needle` (in its raw
 * bytes or decoded view); returns { eml, json } or fails after timeoutMs.
 */
export async function waitForMail(mailDir, needle, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = (await readdir(mailDir).catch(() => [])).filter((n) => n.endsWith('.json'));
    for (const name of names) {
      const json = await readFile(path.join(mailDir, name), 'utf8');
      const eml = await readFile(path.join(mailDir, name.replace(/\.json$/, '.eml')), 'utf8').catch(() => '');
      if (json.includes(needle) || eml.includes(needle)) return { eml, json: JSON.parse(json) };
    }
    if (Date.now() > deadline) {
      throw new Error(`no e-mail containing ${JSON.stringify(needle)} arrived in ${mailDir} within ${timeoutMs} ms (${names.length} message(s) received)`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startServer({ extraArgs = [], smtp = false, extraEnv = {} } = {}) {
  const bin = process.env.E2E_RELAIS_BIN;
  if (!bin) {
    throw new Error('E2E_RELAIS_BIN is not set: point it at the relais binary (scripts/test.sh does)');
  }
  // With smtp: a real SMTP server, whose URL reaches relais as RELAIS_MAIL__SMTP_URL.
  const sink = smtp ? await startSmtpSink() : null;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'relais-e2e-'));
  const args = [
    'serve',
    '--demo',
    '--demo-password', DEMO_PASSWORD,
    '--data-dir', dataDir,
    '--bind', '127.0.0.1:0',
    ...extraArgs,
  ];
  const env = { ...serverEnv(), ...extraEnv };
  if (sink) {
    env.RELAIS_MAIL__SMTP_URL = sink.url;
    env.RELAIS_MAIL__FROM = 'relais <relais@e2e.test>';
  }
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });

  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = keepTail(stderr + chunk);
    if (process.env.E2E_SERVER_LOG) process.stderr.write(chunk);
  });

  // If the test process dies without calling stop(), do not leave the server behind.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  let baseURL;
  try {
    baseURL = await new Promise((resolve, reject) => {
      const describe = (what) =>
        `relais server ${what}\n  command: ${bin} ${args.join(' ')}\n` +
        `  stdout:\n${stdout || '(empty)'}\n  stderr:\n${stderr || '(empty)'}`;
      const timer = setTimeout(() => {
        reject(new Error(describe(`did not print "listening on http://127.0.0.1:PORT" within ${STARTUP_TIMEOUT_MS / 1000} s`)));
      }, STARTUP_TIMEOUT_MS);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(describe(`could not be started: ${err.message}`)));
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        // Give the stderr pipe a moment to drain so the message is complete.
        setTimeout(() => reject(new Error(describe(`exited early (code ${code}, signal ${signal})`))), 100);
      });
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        stdout = keepTail(`${stdout}${line}\n`);
        if (process.env.E2E_SERVER_LOG) process.stderr.write(`${line}\n`);
        const match = LISTENING.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
    await sink?.stop();
    throw err;
  }

  let stopped = false;
  return {
    baseURL,
    dataDir,
    /** The SMTP sink's message directory (with { smtp: true }), else null. */
    mailDir: sink ? sink.mailDir : null,
    /** What the server printed so far (tails), for failure messages. */
    output: () => ({ stdout, stderr }),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        let timer;
        const timeout = new Promise((resolve) => {
          timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
        });
        const outcome = await Promise.race([exited, timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.removeListener('exit', killOnExit);
      await rm(dataDir, { recursive: true, force: true });
      await sink?.stop();
    },
  };
}
