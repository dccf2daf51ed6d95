// Keyboard focus is always visible (WCAG 2.4.7): the focused element draws an
// outline or a box-shadow.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeElement,
  focusIndicator,
  login,
  tabUntil,
  walkTabStops,
} from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from '../lib/server.mjs';

const env = useServerAndBrowser();

test('the e-mail field shows its keyboard focus on /login', async (t) => {
  const page = await openPage(t, env);
  await page.goto('/login');
  await tabUntil(page, '#email', 10);
  const indicator = await focusIndicator(page);
  assert.ok(
    indicator.visible,
    `#email shows no focus indicator: outline "${indicator.outline}", box-shadow "${indicator.boxShadow}"`,
  );
});

async function expectEveryTabStopVisible(page, label) {
  const stops = await walkTabStops(page);
  assert.ok(stops.length > 0, `${label}: Tab reached nothing`);
  const hidden = stops.filter((s) => !s.indicator.visible);
  assert.deepEqual(
    hidden.map((s) => `${describeElement(s.element)}: outline "${s.indicator.outline}", box-shadow "${s.indicator.boxShadow}"`),
    [],
    `${label}: these tab stops show no focus indicator`,
  );
}

test('every tab stop of /login shows its keyboard focus', async (t) => {
  const page = await openPage(t, env);
  await page.goto('/login');
  await expectEveryTabStopVisible(page, '/login');
});

test('every tab stop of /settings shows its keyboard focus', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.owner, DEMO_PASSWORD);
  await page.goto('/settings');
  await expectEveryTabStopVisible(page, '/settings');
});
