// Publishing pages (issue 4): the accounts page with each account's health,
// the connect pages (Bluesky, Mastodon by token or OAuth) with and without
// errors, and an entry page with its delivery timeline and reschedule form
// pass axe-core with zero violations in French and English, at desktop width
// and at 390×844 without sideways scrolling; and the Mastodon connect form
// works with the keyboard alone, from the accounts page to the error shown
// at its field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  expectFieldError,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  htmlLang,
  isFocused,
  login,
  navigating,
  newPage,
  DESKTOP_VIEWPORT,
  PHONE_VIEWPORT,
  setLanguage,
  submitForm,
  tabUntil,
} from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from '../lib/server.mjs';

const env = useServerAndBrowser();

const SLUG = 'maison-dupain';
const BROWSER_LOCALE = { fr: 'fr-FR', en: 'en-US' };
// A port nothing listens on: a connection attempt is refused at once.
const CLOSED = 'http://127.0.0.1:9';

async function visit(page, path, lang) {
  const response = await page.goto(path);
  assert.equal(response.status(), 200, `${path} should answer 200`);
  assert.equal(await htmlLang(page), lang, `${path} should be in ${lang}`);
}

/** The connect page path of the workspace's account on `network` (from the accounts table). */
async function connectPath(page, network) {
  await page.goto(`/w/${SLUG}/accounts`);
  const rows = page.locator('#accounts-table tbody tr');
  for (let i = 0; i < (await rows.count()); i += 1) {
    const row = rows.nth(i);
    const cell = (await row.locator('td').first().innerText()).trim();
    if (cell === network) {
      const href = await row.locator('a[href$="/connect"]').getAttribute('href');
      assert.ok(href, `the ${network} account should have a connect link`);
      return href;
    }
  }
  assert.fail(`no ${network} account on the accounts page`);
}

/** Schedules the first approved entry of the coming days through its page; returns its path. */
async function scheduleAnApprovedEntry(page) {
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await page.goto(`/w/${SLUG}/calendar?view=list&status=approved&date=${day}`);
  const href = await page.locator('#calendar-list a[href*="/entries/"]').first().getAttribute('href');
  assert.ok(href, 'the demo calendar should have an approved entry in the coming days');
  const path = new URL(href, env.baseURL).pathname;
  await page.goto(path);
  await navigating(page, () => page.locator('#status-form button[value="scheduled"]').click());
  assert.equal(new URL(page.url()).searchParams.get('done'), 'status', `scheduling failed: ${page.url()}`);
  assert.ok(await page.locator('#publication .delivery').first().isVisible(), 'the timeline shows a delivery');
  return path;
}

// The scheduled entry whose timeline is checked (scheduled once, by the first suite).
let entryPath;

async function scheduledEntry() {
  if (!entryPath) {
    const cm = await newPage(env.browser, env.baseURL);
    try {
      await login(cm, DEMO_USERS.cm, DEMO_PASSWORD);
      entryPath = await scheduleAnApprovedEntry(cm);
    } finally {
      await cm.context().close();
    }
  }
  return entryPath;
}

for (const lang of ['fr', 'en']) {
  describe(`publishing pages in ${lang}`, () => {
    let owner;
    let mastodon;
    let bluesky;

    before(async () => {
      owner = await newPage(env.browser, env.baseURL, { locale: BROWSER_LOCALE[lang] });
      await login(owner, DEMO_USERS.owner, DEMO_PASSWORD);
      await setLanguage(owner, lang);
      mastodon = await connectPath(owner, 'Mastodon');
      bluesky = await connectPath(owner, 'Bluesky');
      await scheduledEntry();
    });

    after(async () => {
      await owner?.context().close();
    });

    for (const [viewport, size] of [['desktop', DESKTOP_VIEWPORT], ['phone', PHONE_VIEWPORT]]) {
      test(`accounts, connect and timeline pages pass axe at ${viewport} width (${lang})`, async () => {
        await owner.setViewportSize(size);
        try {
          for (const [label, path] of [
            ['accounts', `/w/${SLUG}/accounts`],
            ['connect-mastodon', mastodon],
            ['connect-bluesky', bluesky],
            ['entry-timeline', entryPath],
          ]) {
            await visit(owner, path, lang);
            const name = `${label}-${viewport}-${lang}`;
            if (label === 'accounts') {
              assert.ok(await owner.locator('#accounts-table td.health').first().isVisible(), 'health is shown');
            }
            if (label === 'entry-timeline') {
              assert.ok(await owner.locator('#publication .timeline, #publication .delivery').first().isVisible());
              assert.ok(await owner.locator('#reschedule-form').isVisible(), 'a scheduled entry can be rescheduled');
            }
            if (viewport === 'phone') await expectNoHorizontalScroll(owner, name);
            await expectNoAxeViolations(owner, name);
          }
        } finally {
          await owner.setViewportSize(DESKTOP_VIEWPORT);
        }
      });
    }

    test(`refused connect forms show their errors accessibly (${lang})`, async () => {
      // Bluesky: every field wrong.
      await visit(owner, bluesky, lang);
      await owner.fill('#connect-identifier', 'a handle with spaces');
      await owner.fill('#connect-app-password', 'not-the-password');
      await owner.fill('#connect-service', 'ftp://nowhere');
      const r = await submitForm(owner, '#bluesky-form');
      assert.equal(r.status(), 422);
      await expectFieldError(owner, '#connect-identifier');
      await expectFieldError(owner, '#connect-service');
      assert.equal(await owner.inputValue('#connect-app-password'), '', 'the secret is not drawn back');
      await expectNoAxeViolations(owner, `connect-bluesky-refused-${lang}`);
      // Mastodon OAuth: an instance that does not answer.
      await visit(owner, mastodon, lang);
      await owner.fill('#connect-oauth-instance', CLOSED);
      const r2 = await submitForm(owner, '#mastodon-oauth-form');
      assert.equal(r2.status(), 502);
      await expectFieldError(owner, '#connect-oauth-instance');
      await expectNoAxeViolations(owner, `connect-oauth-refused-${lang}`);
    });
  });
}

test('keyboard only: from the accounts page to the Mastodon token form and its error', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.owner, DEMO_PASSWORD);
  await setLanguage(page, 'fr');
  const target = await connectPath(page, 'Mastodon');
  await page.goto(`/w/${SLUG}/accounts`);

  // The account's connect link: reached with Tab, followed with Enter.
  await tabUntil(page, `a[href="${target}"]`, 80);
  await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(new URL(page.url()).pathname, target);

  // The token form: the instance, the token, then Enter on the button.
  await tabUntil(page, '#connect-instance', 60);
  await page.keyboard.type(CLOSED);
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, '#connect-access-token'), 'Tab from the instance reaches the token');
  await page.keyboard.type('pasted-token-e2e');
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, '#mastodon-token-form button[type="submit"]'), 'then the button');
  const response = await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(response.status(), 502, 'an instance that does not answer: nothing stored');
  const message = await expectFieldError(page, '#connect-instance');
  assert.match(message, /n'a pas répondu correctement/);
  assert.equal(await page.inputValue('#connect-instance'), CLOSED, 'the address is kept');
  assert.equal(await page.inputValue('#connect-access-token'), '', 'the token is not drawn back');
  assert.ok(!(await page.content()).includes('pasted-token-e2e'), 'the token appears nowhere in the page');

  // The error summary at the top links to the field: Tab to it, Enter goes there.
  const summaryLink = '.error-summary a[href="#connect-instance"]';
  assert.equal(await page.locator(summaryLink).count(), 1, 'the summary names the field');
  // Backwards from where the focus is (the form's button), as a person would.
  let reached = false;
  for (let i = 0; i < 40 && !reached; i += 1) {
    await page.keyboard.press('Shift+Tab');
    reached = await isFocused(page, summaryLink);
  }
  assert.ok(reached, 'Shift+Tab reaches the error summary link');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#connect-instance');

  // Still not connected.
  await page.goto(`/w/${SLUG}/accounts`);
  const row = page.locator(`#accounts-table tr:has(a[href="${target}"]) td.health`);
  assert.match((await row.innerText()).trim(), /Non connecté/);
});
