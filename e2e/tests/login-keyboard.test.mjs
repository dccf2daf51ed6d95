// Logging in and out with the keyboard only. These tests drive the page with
// page.keyboard exclusively (no click, no mouse), as a keyboard user would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  expectFieldError,
  focused,
  h1Text,
  hasFieldError,
  isFocused,
  login,
  navigating,
  tabUntil,
} from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from '../lib/server.mjs';

const env = useServerAndBrowser();

test('the first Tab on /login reaches a visible skip link that leads into main', async (t) => {
  const page = await openPage(t, env);
  await page.goto('/login');

  await page.keyboard.press('Tab');
  const first = await focused(page);
  assert.equal(first.tag, 'a', `the first focusable element should be the skip link, got ${JSON.stringify(first)}`);
  assert.ok(first.className.split(/\s+/).includes('skip-link'), `the first focusable element should have class skip-link, got "${first.className}"`);
  assert.equal(first.href, '#main');

  // A skip link may be hidden until focused, but then it must be on screen.
  const box = await page.locator('a.skip-link').first().boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box && box.width >= 1 && box.height >= 1, 'the focused skip link should have a size');
  assert.ok(
    box.x + box.width > 0 && box.y + box.height > 0 && box.x < viewport.width && box.y < viewport.height,
    `the focused skip link should be inside the viewport, it is at ${JSON.stringify(box)}`,
  );

  assert.equal(await page.locator('main#main').count(), 1, 'the page should have <main id="main">');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  const next = await focused(page);
  assert.ok(next.inMain, `after following the skip link, Tab should land inside main, got ${JSON.stringify(next)}`);
});

// Counts trusted mouse and pointer presses in every page of the context, so
// that a test can prove it used the keyboard only.
const COUNT_POINTER_PRESSES = () => {
  for (const type of ['mousedown', 'pointerdown', 'touchstart']) {
    window.addEventListener(type, (e) => {
      if (e.isTrusted) sessionStorage.setItem('e2e-pointer-presses', String(Number(sessionStorage.getItem('e2e-pointer-presses') || 0) + 1));
    }, true);
  }
};

test('a keyboard-only login goes to the home page', async (t) => {
  const page = await openPage(t, env);
  await page.context().addInitScript(COUNT_POINTER_PRESSES);
  await page.goto('/login');

  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, 'a.skip-link'), 'the first Tab should focus a.skip-link');
  await tabUntil(page, '#email', 10);
  await page.keyboard.type(DEMO_USERS.owner);
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, '#password'), 'Tab from #email should reach #password');
  await page.keyboard.type(DEMO_PASSWORD);
  const response = await navigating(page, () => page.keyboard.press('Enter'));

  assert.equal(page.url(), `${env.baseURL}/`);
  assert.ok(await page.locator('h1').first().isVisible(), 'the home page should show an h1');
  assert.ok((await h1Text(page)).length > 0, 'the h1 should have text');
  assert.ok(response, 'the login should load a new page');
  assert.equal(response.status(), 200);
  const post = response.request().redirectedFrom();
  assert.ok(post, 'POST /login should answer with a redirect');
  assert.equal(post.method(), 'POST');
  assert.equal(new URL(post.url()).pathname, '/login');
  assert.equal((await post.response()).status(), 303, 'POST /login should answer 303 See Other');
  const presses = await page.evaluate(() => Number(sessionStorage.getItem('e2e-pointer-presses') || 0));
  assert.equal(presses, 0, 'the login should have used the keyboard only');
});

test('a wrong password shows an error tied to the field and keeps the e-mail', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.owner, 'not-the-Password-1', { expectSuccess: false });

  assert.equal(new URL(page.url()).pathname, '/login', 'a failed login should stay on /login');
  assert.ok(
    (await hasFieldError(page, '#password')) || (await hasFieldError(page, '#email')),
    '#password or #email should have aria-invalid="true" and aria-describedby pointing at the error text',
  );
  // Produce the precise failure message for whichever field is meant.
  if (!(await hasFieldError(page, '#password'))) await expectFieldError(page, '#email');

  assert.equal(await page.inputValue('#email'), DEMO_USERS.owner, 'the typed e-mail should be kept');
  assert.equal(await page.inputValue('#password'), '', 'the password must never be sent back to the browser');
  assert.equal(await page.locator('form#logout-form').count(), 0, 'a failed login must not log in');
});

test('a logged-in user can log out with the keyboard', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.viewer, DEMO_PASSWORD);
  assert.equal(await page.locator('form#logout-form').count(), 1, 'logged-in pages should have form#logout-form');

  await page.goto('/');
  await tabUntil(
    page,
    '#logout-form button[type="submit"], #logout-form input[type="submit"], #logout-form button:not([type])',
    40,
  );
  await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(await page.locator('form#logout-form').count(), 0, 'after logging out there should be no logout form');

  // The session is gone: a page for logged-in users no longer shows.
  const response = await page.goto('/settings');
  const path = new URL(page.url()).pathname;
  assert.ok(
    path === '/login' || [401, 403].includes(response.status()),
    `/settings after logout should send to /login (or answer 401/403), got ${response.status()} at ${page.url()}`,
  );
});
