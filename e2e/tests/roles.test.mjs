// What each demo role may see: workspaces a user is not a member of do not
// exist for them (404); pages above their role are forbidden (403).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { login } from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from '../lib/server.mjs';

const env = useServerAndBrowser();

async function workspaceLinks(page) {
  await page.goto('/');
  return page.locator('ul#workspace-list a[href^="/w/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
}

test('a client approver sees only their workspace', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.client, DEMO_PASSWORD);

  const links = await workspaceLinks(page);
  assert.equal(links.length, 1, `client@demo.local should see exactly one workspace link, got ${JSON.stringify(links)}`);
  assert.match(links[0], /^\/w\/maison-dupain\/?$/);

  assert.equal((await page.goto('/w/maison-dupain')).status(), 200);
  assert.equal((await page.goto('/w/velo-cite')).status(), 404, 'a workspace the user is not in should answer 404');
});

test('the owner sees every workspace', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.owner, DEMO_PASSWORD);
  const slugs = (await workspaceLinks(page)).map((href) => href.replace(/^\/w\//, '').replace(/\/$/, '')).sort();
  assert.deepEqual(slugs, ['maison-dupain', 'theatre-lumiere', 'velo-cite']);
});

test('a viewer may not read the audit log', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.viewer, DEMO_PASSWORD);
  assert.equal((await page.goto('/w/velo-cite')).status(), 200);
  assert.equal((await page.goto('/w/velo-cite/audit')).status(), 403, 'a viewer should get 403 on the audit page');
});

test('a manager reads the audit log', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.manager, DEMO_PASSWORD);
  for (const slug of ['velo-cite', 'maison-dupain']) {
    const response = await page.goto(`/w/${slug}/audit`);
    assert.equal(response.status(), 200, `a manager should see /w/${slug}/audit`);
    assert.equal(await page.locator('#audit-table').count(), 1, `/w/${slug}/audit should show #audit-table`);
  }
});
