// The editorial pages of the community manager (charter, calendar in month,
// week and list views, composer, accounts, media library) pass axe-core with
// zero violations in French and English, at desktop width and at 390×844
// without sideways scrolling; and the daily loop works with the keyboard only:
// create an entry from the calendar, type its text while the live counter
// updates, save, then move it to another date with the move form.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
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
  tabUntil,
} from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from '../lib/server.mjs';

const env = useServerAndBrowser();

const SLUG = 'maison-dupain';
const BROWSER_LOCALE = { fr: 'fr-FR', en: 'en-US' };

// A valid 1×1 PNG.
const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

async function visit(page, path, lang) {
  const response = await page.goto(path);
  assert.equal(response.status(), 200, `${path} should answer 200`);
  assert.equal(await htmlLang(page), lang, `${path} should be in ${lang}`);
}

/** The path of the first entry linked from the calendar's list view. */
async function firstEntryPath(page) {
  await page.goto(`/w/${SLUG}/calendar?view=list`);
  const href = await page.locator('#calendar-list a[href*="/entries/"]').first().getAttribute('href');
  assert.ok(href, 'the demo calendar should list entries');
  return href;
}

/** Uploads a file through the media form (mouse-free: the input is set directly). */
async function upload(page, name, mimeType, buffer) {
  await page.setInputFiles('#media-file', { name, mimeType, buffer });
  await navigating(page, () => page.locator('#media-form button[type="submit"]').click());
}

for (const lang of ['fr', 'en']) {
  describe(`editorial pages of the community manager in ${lang}`, () => {
    let cm;
    let entryPath;

    before(async () => {
      cm = await newPage(env.browser, env.baseURL, { locale: BROWSER_LOCALE[lang] });
      await login(cm, DEMO_USERS.cm, DEMO_PASSWORD);
      await setLanguage(cm, lang);
      entryPath = await firstEntryPath(cm);
      // One image in the library, so that it shows a thumbnail.
      await cm.goto(`/w/${SLUG}/media`);
      await upload(cm, `pixel-${lang}.png`, 'image/png', PNG_1x1);
      assert.match(new URL(cm.url()).search, /done=uploaded/);
    });

    after(async () => {
      await cm?.context().close();
    });

    const pages = () => [
      ['charter', `/w/${SLUG}/charter`],
      ['charter-edit', `/w/${SLUG}/charter/edit`],
      ['calendar-month', `/w/${SLUG}/calendar?view=month`],
      ['calendar-week', `/w/${SLUG}/calendar?view=week`],
      ['calendar-list', `/w/${SLUG}/calendar?view=list`],
      ['entry-new', `/w/${SLUG}/entries/new`],
      ['entry', entryPath],
      ['accounts', `/w/${SLUG}/accounts`],
      ['media', `/w/${SLUG}/media`],
    ];

    for (const [viewport, size] of [['desktop', DESKTOP_VIEWPORT], ['phone', PHONE_VIEWPORT]]) {
      test(`every editorial page passes axe at ${viewport} width (${lang})`, async () => {
        await cm.setViewportSize(size);
        try {
          for (const [label, path] of pages()) {
            await visit(cm, path, lang);
            const name = `${label}-${viewport}-${lang}`;
            if (viewport === 'phone') await expectNoHorizontalScroll(cm, name);
            await expectNoAxeViolations(cm, name);
          }
        } finally {
          await cm.setViewportSize(DESKTOP_VIEWPORT);
        }
      });
    }

    test(`the media form refusing a file, and the upload page of an entry (${lang})`, async () => {
      await visit(cm, `/w/${SLUG}/media`, lang);
      await upload(cm, 'not-an-image.jpg', 'image/jpeg', Buffer.from('plain text, not a picture'));
      const alert = cm.locator('.error-summary[role="alert"]');
      assert.ok(await alert.isVisible(), 'the refusal should be announced');
      assert.equal(await cm.getAttribute('#media-file', 'aria-invalid'), 'true');
      await expectNoAxeViolations(cm, `media-refused-${lang}`);

      const entryId = entryPath.split('/').pop();
      await visit(cm, `/w/${SLUG}/media?entry=${entryId}`, lang);
      assert.ok(await cm.locator('#media-alt').isVisible(), 'the alt text field is offered');
      await expectNoAxeViolations(cm, `media-for-entry-${lang}`);
    });
  });
}

test('keyboard only: create an entry from the calendar, type with the live counter, save, move it', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.cm, DEMO_PASSWORD);
  await page.goto(`/w/${SLUG}/calendar?view=month`);

  // The "add an entry on <day>" link of a day: reached with Tab, followed with Enter.
  await tabUntil(page, 'a.add-entry', 200);
  const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
  const day = new URL(href, 'http://x').searchParams.get('date');
  assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
  await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(new URL(page.url()).pathname, `/w/${SLUG}/entries/new`);
  assert.equal(await page.inputValue('#entry-date'), day, 'the composer starts on the chosen day');

  // Title, one account (Space), the text; Enter in a text field saves.
  await tabUntil(page, '#entry-title', 80);
  await page.keyboard.type('Clavier seulement');
  await tabUntil(page, 'input[name="accounts"]', 30);
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('input[name="accounts"]:focus'));
  await tabUntil(page, '#entry-body', 30);
  await page.keyboard.type('Bonjour le quartier');
  await tabUntil(page, '#entry-keywords', 30);
  await navigating(page, () => page.keyboard.press('Enter'));
  const url = new URL(page.url());
  assert.match(url.pathname, new RegExp(`^/w/${SLUG}/entries/\\d+$`), `saved: ${page.url()}`);
  assert.equal(url.searchParams.get('done'), 'created');

  // The live counter: typing updates the polite region without reloading.
  const region = page.locator('#live-counts');
  assert.equal(await region.getAttribute('aria-live'), 'polite');
  const before = (await region.innerText()).trim();
  assert.match(before, /19 \//, `the saved text counts 19 characters: ${before}`);
  await tabUntil(page, '#entry-body', 80);
  await page.keyboard.press('End');
  await page.keyboard.type(' et merci');
  await page.waitForFunction(
    () => /28 \//.test(document.getElementById('live-counts').innerText),
    null,
    { timeout: 10_000 },
  );
  // Save with the keyboard: Tab to the save button, Enter.
  await tabUntil(page, '#entry-form button[type="submit"][name="save"]:not(.visually-hidden)', 80);
  await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(new URL(page.url()).searchParams.get('done'), 'saved');
  assert.equal(await page.inputValue('#entry-body'), 'Bonjour le quartier et merci');

  // Move it with the move form: a date typed segment by segment, Enter.
  await tabUntil(page, '#move-date', 120);
  const target = new Date(`${day}T12:00:00Z`);
  target.setUTCDate(target.getUTCDate() + 3);
  const iso = target.toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  // Headless Chromium orders date segments by its own UI language (en-US:
  // mm/dd/yyyy), whatever the page's language.
  await page.keyboard.type(`${m}${d}${y}`);
  assert.equal(await page.inputValue('#move-date'), iso, 'the date field took the typed date');
  // Through the time field's segments to the button.
  await tabUntil(page, '#move-form button[type="submit"]', 12);
  assert.ok(await isFocused(page, '#move-form button[type="submit"]'));
  await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(new URL(page.url()).searchParams.get('done'), 'moved');
  assert.equal(await page.inputValue('#move-date'), iso);
  await expectNoAxeViolations(page, 'entry-after-move');
});
