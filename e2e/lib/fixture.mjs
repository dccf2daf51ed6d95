// Per-file fixture: one relais server (fresh demo data) and one Chromium for
// all the tests of a test file, both stopped when the file is done.
//
//   const env = useServerAndBrowser();
//   test('...', async (t) => { const page = await openPage(t, env); ... });
import { after, before } from 'node:test';
import { launchBrowser, newPage } from './browser.mjs';
import { startServer } from './server.mjs';

export function useServerAndBrowser(serverOptions = {}) {
  const env = { server: null, browser: null, baseURL: null };
  before(async () => {
    env.server = await startServer(serverOptions);
    env.baseURL = env.server.baseURL;
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/**
 * A page in a fresh browser context (own cookies), closed when test `t` ends.
 * Options go to browser.newContext (locale, viewport, ...).
 */
export async function openPage(t, env, options = {}) {
  const page = await newPage(env.browser, env.baseURL, options);
  t.after(() => page.context().close());
  return page;
}
