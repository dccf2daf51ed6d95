// Veille pages (issue 5): the sources page (with sources of several kinds
// and a refused form), the topics page (with a topic of each kind and a
// refused query) and the query tester (with an explanation, and with a
// wrong query) pass axe-core with zero violations in French and English, at
// desktop width and at 390×844 without sideways scrolling; and adding a
// source and a topic whose query is wrong works with the keyboard alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  chooseWithKeyboard,
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

async function visit(page, path, lang, status = 200) {
  const response = await page.goto(path);
  assert.equal(response.status(), status, `${path} should answer ${status}`);
  assert.equal(await htmlLang(page), lang, `${path} should be in ${lang}`);
}

/** Fills and submits the add-source form (by mouse: setup, not the test). */
async function addSource(page, fields) {
  await page.goto(`/w/${SLUG}/veille/sources`);
  await page.selectOption('#source-kind', fields.kind);
  for (const [name, value] of Object.entries(fields)) {
    if (name !== 'kind') await page.fill(`#source-${name}`, value);
  }
  return submitForm(page, '#source-form');
}

async function addTopic(page, name, kind, query) {
  await page.goto(`/w/${SLUG}/veille/topics`);
  await page.fill('#topic-name', name);
  await page.selectOption('#topic-kind', kind);
  await page.fill('#topic-query', query);
  return submitForm(page, '#topic-form');
}

let seeded = false;

/** A few sources and one topic of each kind, added once through the pages. */
async function seed() {
  if (seeded) return;
  seeded = true;
  const cm = await newPage(env.browser, env.baseURL);
  try {
    await login(cm, DEMO_USERS.cm, DEMO_PASSWORD);
    for (const fields of [
      { kind: 'feed', url: 'https://example.org/boulangerie.xml', title: 'Actualités de la boulangerie', category: 'Métier' },
      { kind: 'page', url: 'https://example.org/reglementation', selector: 'main article' },
      { kind: 'mastodon_tag', url: 'https://mastodon.example', tag: 'boulangerie' },
      { kind: 'jetstream', url: 'wss://jetstream.example/subscribe' },
    ]) {
      const r = await addSource(cm, fields);
      assert.equal(r.status(), 200, `adding ${fields.url}`);
      assert.equal(new URL(cm.url()).searchParams.get('done'), 'added', `adding ${fields.url}: ${cm.url()}`);
    }
    for (const [name, kind, query] of [
      ['Pain au levain', 'trade', 'levain OR "pain au levain"'],
      ['Fours connectés', 'technology', 'four* NEAR/3 connecté'],
      ['Concurrents', 'competition', 'site:boulangerie-voisine.fr OR "Maison Voisin"'],
      ['Étiquetage', 'regulation', 'étiquetage AND (allergènes OR INCO) AND NOT recette'],
    ]) {
      const r = await addTopic(cm, name, kind, query);
      assert.equal(r.status(), 200, `adding the topic ${name}`);
    }
  } finally {
    await cm.context().close();
  }
}

for (const lang of ['fr', 'en']) {
  describe(`veille pages in ${lang}`, () => {
    let cm;

    before(async () => {
      await seed();
      cm = await newPage(env.browser, env.baseURL, { locale: BROWSER_LOCALE[lang] });
      await login(cm, DEMO_USERS.cm, DEMO_PASSWORD);
      await setLanguage(cm, lang);
    });

    after(async () => {
      await cm?.context().close();
    });

    const tester = `/w/${SLUG}/veille/test?q=${encodeURIComponent('étiquetage AND (allergènes OR INCO) AND NOT recette')}` +
      `&title=${encodeURIComponent('Étiquetage')}&text=${encodeURIComponent('Les allergènes sur les étiquettes : le règlement INCO change.')}`;

    for (const [viewport, size] of [['desktop', DESKTOP_VIEWPORT], ['phone', PHONE_VIEWPORT]]) {
      test(`sources, topics and tester pass axe at ${viewport} width (${lang})`, async () => {
        await cm.setViewportSize(size);
        try {
          for (const [label, path, status] of [
            ['sources', `/w/${SLUG}/veille/sources`, 200],
            ['topics', `/w/${SLUG}/veille/topics`, 200],
            ['tester', tester, 200],
            ['tester-error', `/w/${SLUG}/veille/test?q=${encodeURIComponent('grève AND (sncf OR')}`, 422],
          ]) {
            await visit(cm, path, lang, status);
            const name = `veille-${label}-${viewport}-${lang}`;
            if (label === 'sources') {
              assert.ok((await cm.locator('#sources-table tbody tr').count()) >= 4, 'the sources are listed');
            }
            if (label === 'tester') {
              assert.ok(await cm.locator('ul.explanation').isVisible(), 'the explanation is shown');
            }
            if (viewport === 'phone') await expectNoHorizontalScroll(cm, name);
            await expectNoAxeViolations(cm, name);
          }
        } finally {
          await cm.setViewportSize(DESKTOP_VIEWPORT);
        }
      });
    }

    test(`refused forms show their errors accessibly (${lang})`, async () => {
      // A source already watched, and a page without selector.
      let r = await addSource(cm, { kind: 'feed', url: 'https://example.org/boulangerie.xml' });
      assert.equal(r.status(), 409);
      await expectFieldError(cm, '#source-url');
      await expectNoAxeViolations(cm, `veille-source-duplicate-${lang}`);
      r = await addSource(cm, { kind: 'page', url: 'https://example.org/page', interval: '1' });
      assert.equal(r.status(), 422);
      await expectFieldError(cm, '#source-selector');
      await expectFieldError(cm, '#source-interval');
      await expectNoAxeViolations(cm, `veille-source-refused-${lang}`);
      // A topic whose query is wrong: the position, the hint, the caret.
      r = await addTopic(cm, 'Cassé', 'trade', 'grève AND (sncf OR');
      assert.equal(r.status(), 422);
      const message = await expectFieldError(cm, '#topic-query');
      assert.match(message, /Position \d+/);
      // The parser's problem in the page's language.
      assert.match(message, lang === 'fr' ? /un mot était attendu/ : /a word was expected/);
      assert.ok(await cm.locator('#topic-query-error pre.query-caret').isVisible());
      await expectNoAxeViolations(cm, `veille-topic-refused-${lang}`);
      await cm.setViewportSize(PHONE_VIEWPORT);
      try {
        await expectNoHorizontalScroll(cm, `veille-topic-refused-phone-${lang}`);
        await expectNoAxeViolations(cm, `veille-topic-refused-phone-${lang}`);
      } finally {
        await cm.setViewportSize(DESKTOP_VIEWPORT);
      }
    });
  });
}

test('keyboard only: add a source, then a topic whose query is wrong', async (t) => {
  const page = await openPage(t, env);
  await login(page, DEMO_USERS.cm, DEMO_PASSWORD);
  await setLanguage(page, 'fr');

  // From the workspace's navigation to veille, then its sources page.
  await page.goto(`/w/${SLUG}`);
  await tabUntil(page, `a[href="/w/${SLUG}/veille"]`, 60);
  await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(new URL(page.url()).pathname, `/w/${SLUG}/veille`);
  await tabUntil(page, `nav.veille-nav a[href="/w/${SLUG}/veille/sources"]`, 60);
  await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(new URL(page.url()).pathname, `/w/${SLUG}/veille/sources`);

  // The add form: kind with the arrow keys, then each field with Tab.
  await tabUntil(page, '#source-kind', 120);
  await chooseWithKeyboard(page, '#source-kind', 'mastodon_public');
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, '#source-url'), 'Tab from the kind reaches the address');
  await page.keyboard.type('https://mastodon.clavier.example');
  await tabUntil(page, '#source-title', 3);
  await page.keyboard.type('Fil public au clavier');
  await tabUntil(page, '#source-form button[type="submit"]', 4);
  let response = await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).searchParams.get('done'), 'added');
  assert.match(await page.locator('#source-notice').innerText(), /Source ajoutée/);
  assert.ok(await page.locator('#sources-table', { hasText: 'Fil public au clavier' }).isVisible());

  // The topics page, through the veille navigation.
  await page.locator('body').focus();
  await tabUntil(page, `a[href="/w/${SLUG}/veille/topics"]`, 60);
  await navigating(page, () => page.keyboard.press('Enter'));
  await tabUntil(page, '#topic-name', 150);
  await page.keyboard.type('Grèves au clavier');
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, '#topic-kind'));
  await chooseWithKeyboard(page, '#topic-kind', 'regulation');
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, '#topic-query'), 'then the query');
  await page.keyboard.type('grève NEAR/ sncf');
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, '#topic-form button[type="submit"]'), 'then the button');
  response = await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(response.status(), 422, 'a wrong query is refused');
  const message = await expectFieldError(page, '#topic-query');
  assert.match(message, /Position 7/);
  assert.equal(await page.inputValue('#topic-query'), 'grève NEAR/ sncf', 'the query is kept');

  // The summary links to the query: Shift+Tab back to it, Enter goes there.
  const summaryLink = '.error-summary a[href="#topic-query"]';
  let reached = false;
  for (let i = 0; i < 40 && !reached; i += 1) {
    await page.keyboard.press('Shift+Tab');
    reached = await isFocused(page, summaryLink);
  }
  assert.ok(reached, 'Shift+Tab reaches the error summary link');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#topic-query');

  // Fixed, the topic is created.
  // (Past the query comes the caret line, focusable so it can scroll, then the button.)
  await page.keyboard.press('Control+A');
  await page.keyboard.type('grève NEAR/5 sncf');
  await tabUntil(page, '#topic-form button[type="submit"]', 3);
  response = await navigating(page, () => page.keyboard.press('Enter'));
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).searchParams.get('done'), 'created');
  assert.ok(await page.locator('#topics-regulation-list', { hasText: 'Grèves au clavier' }).isVisible());
});
