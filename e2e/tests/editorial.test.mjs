// The editorial round trip in a real browser, with a real SMTP server: the
// community manager submits what is ready, the client requests a change on one
// entry and approves the rest, the team sees the notification and the e-mail
// arrives. axe-core on every page of approval, notifications, import/export,
// key dates and the feed, in French and English. Keyboard only where a person
// would use it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectNoAxeViolations, login, navigating } from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS, waitForMail } from '../lib/server.mjs';

const env = useServerAndBrowser({ smtp: true });
const SLUG = 'maison-dupain';

/** Focuses `selector` and presses Enter: a keyboard user's click. */
async function pressEnterOn(page, selector) {
  await page.focus(selector);
  return navigating(page, () => page.keyboard.press('Enter'));
}

test('the team submits, the client decides, the team hears of it in the app and by e-mail', async (t) => {
  const token = `e2e-${Date.now()}`;

  // The community manager submits everything ready (when the demo has some).
  const cm = await openPage(t, env);
  await login(cm, DEMO_USERS.cm, DEMO_PASSWORD);
  await cm.goto(`/w/${SLUG}/approvals`);
  await expectNoAxeViolations(cm, 'approvals (team, fr)');
  if ((await cm.locator('#submit-all button').count()) > 0) {
    await pressEnterOn(cm, '#submit-all button');
    assert.match(await cm.locator('#approval-notice').innerText(), /soumise/);
  }

  // The client reads what is waiting for them.
  const client = await openPage(t, env);
  await login(client, DEMO_USERS.client, DEMO_PASSWORD);
  await client.goto(`/w/${SLUG}/approvals`);
  await expectNoAxeViolations(client, 'approvals (client, fr)');
  const forms = client.locator('form.decision:not(.week-decision)');
  const waiting = await forms.count();
  assert.ok(waiting >= 2, `the demo should have at least two entries waiting for the client, found ${waiting}`);

  // A request for changes without a comment: the error is tied to the field.
  const firstId = (await forms.first().getAttribute('id')).replace('decide-', '');
  await pressEnterOn(client, `#changes-${firstId}`);
  const textarea = client.locator(`#comment-${firstId}`);
  assert.equal(await textarea.getAttribute('aria-invalid'), 'true');
  assert.ok((await client.locator(`#comment-${firstId}-error`).innerText()).length > 0);
  await expectNoAxeViolations(client, 'approvals with an error (client, fr)');

  // With the comment typed, then Tab to the buttons and Enter.
  await textarea.focus();
  await client.keyboard.type(`Le prix de la baguette est faux (${token}).`);
  await client.keyboard.press('Tab');
  await client.keyboard.press('Tab');
  assert.ok(await client.evaluate((id) => document.activeElement.id === `changes-${id}`, firstId), 'Tab, Tab from the comment reaches "request changes"');
  await navigating(client, () => client.keyboard.press('Enter'));
  assert.match(await client.locator('#approval-notice').innerText(), /Modifications demandées/);

  // Every other entry approved, one at a time, with the keyboard.
  for (;;) {
    const approve = client.locator('form.decision:not(.week-decision) button[value="approve"]');
    if ((await approve.count()) === 0) break;
    const id = await approve.first().getAttribute('id');
    await pressEnterOn(client, `#${id}`);
  }
  assert.equal(await client.locator('#approval-empty').count(), 1, 'nothing is left waiting');

  // The team sees the count in the header and the notification with its comment.
  await cm.goto('/');
  const link = cm.locator('#nav-notifications');
  assert.match(await link.innerText(), /Notifications \(\d+ non lues?\)/);
  await pressEnterOn(cm, '#nav-notifications');
  await expectNoAxeViolations(cm, 'notifications (fr)');
  assert.ok((await cm.locator('#notifications-list').innerText()).includes(token));
  assert.ok((await cm.locator('#notifications-list .unread').count()) > 0, 'unread notifications are marked in words');
  await pressEnterOn(cm, '#mark-read-form button');
  assert.equal(await cm.locator('#notifications-list .unread').count(), 0);
  assert.equal((await cm.locator('#nav-notifications').innerText()).trim(), 'Notifications');

  // And the e-mail reached the SMTP server.
  const mail = await waitForMail(env.server.mailDir, token);
  assert.match(JSON.stringify(mail.json), /relais/);
});

for (const [locale, lang] of [['fr-FR', 'fr'], ['en-US', 'en']]) {
  test(`import/export, key dates, notifications and the feed pass axe (${lang})`, async (t) => {
    const page = await openPage(t, env, { locale });
    await login(page, DEMO_USERS.manager, DEMO_PASSWORD);
    for (const path of [`/w/${SLUG}/calendar/import`, `/w/${SLUG}/observances`, '/notifications', `/w/${SLUG}/feed`, `/w/${SLUG}/approvals`]) {
      const response = await page.goto(path);
      assert.equal(response.status(), 200, path);
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
      await expectNoAxeViolations(page, `${path} (${lang})`);
    }
    // An observance with an invalid date: the error is tied to the field.
    await page.goto(`/w/${SLUG}/observances`);
    await page.focus('#observance-label');
    await page.keyboard.type('Journée mondiale du pain');
    await navigating(page, () => page.keyboard.press('Enter'));
    assert.equal(await page.locator('#observance-date').getAttribute('aria-invalid'), 'true');
    await expectNoAxeViolations(page, `observances with errors (${lang})`);
    // The feed URL is shown once after creation.
    await page.goto(`/w/${SLUG}/feed`);
    const create = (await page.locator('#feed-create button').count()) > 0 ? '#feed-create button' : '#feed-regenerate button';
    await pressEnterOn(page, create);
    const url = await page.locator('#feed-url').inputValue();
    assert.match(url, /\/feeds\/[A-Za-z0-9_-]+\.ics$/);
    await expectNoAxeViolations(page, `feed created (${lang})`);
    const ics = await page.request.get(url.replace(/^https?:\/\/[^/]+/, ''));
    assert.equal(ics.status(), 200);
    assert.match(ics.headers()['content-type'], /^text\/calendar/);
    // The CSV preview of a file with one wrong row.
    await page.goto(`/w/${SLUG}/calendar/import`);
    await page.setInputFiles('#import-file', {
      name: 'plan.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('titre;date;comptes\r\nPain;31/02/2030 09:00;\r\nCroissant;01/03/2030 09:00;\r\n'),
    });
    await pressEnterOn(page, '#import-form button[type="submit"]');
    assert.equal(await page.locator('#preview-table tbody tr').count(), 2);
    assert.equal(await page.locator('#import-valid-only').count(), 1);
    await expectNoAxeViolations(page, `import preview (${lang})`);
  });
}
