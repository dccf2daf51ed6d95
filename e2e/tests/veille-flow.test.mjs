// Veille, as a community manager does it (issue 5, "done means"): a feed is
// served on loopback (the server is started with private addresses allowed,
// as an administrator would for an intranet source), the manager writes a
// topic and adds the feed through the pages; the server's own veille worker
// fetches it, and matching items arrive with their tone and story; the
// manager searches them, curates one with an impact note, builds a digest and
// sends it, and the e-mail arrives at a real SMTP server. A second feed then
// publishes a burst of 25 posts in the current hour: the worker fires one
// spike alert, shown on the alerts page (linking to the burst's items) and on
// the volume chart, and e-mailed to the team. The overview, items, item,
// volume, alerts, digests and digest pages pass axe-core with zero violations
// in French and English, at desktop width and at 390×844.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  htmlLang,
  login,
  newPage,
  DESKTOP_VIEWPORT,
  PHONE_VIEWPORT,
  setLanguage,
  submitForm,
} from '../lib/browser.mjs';
import { useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS, waitForMail } from '../lib/server.mjs';

const SLUG = 'maison-dupain';
const BROWSER_LOCALE = { fr: 'fr-FR', en: 'en-US' };

function rss() {
  const now = Date.now();
  const items = [
    ['m1', 'La farine flambe à Lyon', 'Le prix de la farine augmente encore, une catastrophe pour les artisans.', 1],
    ['m2', 'La farine flambe à Lyon : les boulangers inquiets', 'Le prix de la farine augmente encore, une catastrophe pour les artisans !', 2],
    ['m3', 'Un fournil solaire', 'Une excellente idée : un four solaire pour cuire le pain.', 3],
  ];
  return '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Le Fil Boulanger</title>' +
    '<link>https://fil.example/</link><description>Actualités</description>' +
    items.map(([id, title, text, h]) => `<item><guid isPermaLink="false">${id}</guid><title>${title}</title>` +
      `<link>https://fil.example/${id}?utm_source=rss</link><description>${text}</description>` +
      `<pubDate>${new Date(now - h * 3600_000).toUTCString()}</pubDate></item>`).join('') +
    '</channel></rss>';
}

// 25 posts published a minute before they are fetched: a burst in the
// current hour, against a topic with no history (the baseline is zero, the
// minimum count of 10 is exceeded).
function burst() {
  const at = new Date(Date.now() - 60_000).toUTCString();
  const items = Array.from({ length: 25 }, (_, i) => `<item><guid isPermaLink="false">b${i}</guid>` +
    `<title>Manifestation des meuniers numéro ${i}</title><link>https://meunerie.example/b${i}</link>` +
    `<description>Une manifestation des meuniers devant la préfecture, épisode ${i}.</description>` +
    `<pubDate>${at}</pubDate></item>`);
  return '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>La Meunerie</title>' +
    '<link>https://meunerie.example/</link><description>Actualités</description>' + items.join('') + '</channel></rss>';
}

let feedServer;
let feedURL;

before(async () => {
  feedServer = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8', ETag: '"v1"' });
    res.end(req.url === '/burst.xml' ? burst() : rss());
  });
  await new Promise((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  feedURL = `http://127.0.0.1:${feedServer.address().port}/fil.xml`;
});

after(() => feedServer?.close());

const env = useServerAndBrowser({
  smtp: true,
  extraEnv: { RELAIS_VEILLE__ALLOW_PRIVATE_ADDRESSES: 'true' },
});

describe('veille from source to digest', () => {
  let cm;
  let itemPath;
  let digestPath;
  let volumePath;

  before(async () => {
    cm = await newPage(env.browser, env.baseURL, { locale: 'fr-FR' });
    await login(cm, DEMO_USERS.cm, DEMO_PASSWORD);
  });

  after(async () => {
    await cm?.context().close();
  });

  test('a topic and a feed added through the pages bring matching items', async () => {
    await cm.goto(`/w/${SLUG}/veille/topics`);
    await cm.fill('#topic-name', 'Farine');
    await cm.selectOption('#topic-kind', 'trade');
    await cm.fill('#topic-query', 'farine* OR "four solaire"');
    let r = await submitForm(cm, '#topic-form');
    assert.equal(r.status(), 200);
    await cm.goto(`/w/${SLUG}/veille/sources`);
    await cm.selectOption('#source-kind', 'feed');
    await cm.fill('#source-url', feedURL);
    r = await submitForm(cm, '#source-form');
    assert.equal(r.status(), 200);
    // The server's worker fetches due sources about every second; items are
    // listed as soon as they are stored, and analysed just after.
    let count = 0;
    let pending = 0;
    for (let i = 0; i < 60 && (count < 3 || pending > 0); i += 1) {
      await cm.goto(`/w/${SLUG}/veille/items?topic=`);
      count = await cm.locator('article.veille-item').count();
      pending = await cm.locator('article.veille-item .pending').count();
      if (count < 3 || pending > 0) await new Promise((res) => setTimeout(res, 500));
    }
    assert.equal(count, 3, 'the three items arrived');
    assert.equal(pending, 0, 'the three items were analysed');
    const first = cm.locator('article.veille-item', { hasText: 'La farine flambe à Lyon : les boulangers' });
    assert.match(await first.innerText(), /négatif/);
    assert.match(await first.innerText(), /2 sources racontent cette histoire/);
    assert.match(await first.innerText(), /Farine/);
    itemPath = await first.locator('h3 a').getAttribute('href');
    // The feed is on the source page with its figures.
    await cm.goto(`/w/${SLUG}/veille/sources`);
    assert.match(await cm.locator('#sources-table').innerText(), /Le Fil Boulanger/);
  });

  test('search finds them, stemmed and without accents', async () => {
    // Plural and capitals in the query, singular in the items.
    await cm.goto(`/w/${SLUG}/veille/items?q=${encodeURIComponent('FARINES artisans')}`);
    assert.equal(await cm.locator('article.veille-item').count(), 2, await cm.locator('main').innerText());
    assert.match(await cm.locator('article.veille-item mark').first().innerText(), /farine/i);
    // Accents ignored: "idee" finds "idée".
    await cm.goto(`/w/${SLUG}/veille/items?q=${encodeURIComponent('excellente idee')}`);
    assert.equal(await cm.locator('article.veille-item').count(), 1, await cm.locator('main').innerText());
  });

  test('an item is curated, put in a digest and sent by e-mail', async () => {
    await cm.goto(itemPath);
    await cm.check('#curate-starred');
    await cm.fill('#curate-note', 'Revoir le prix de la baguette');
    let r = await submitForm(cm, '#curate-form');
    assert.equal(r.status(), 200);
    assert.match(await cm.locator('#veille-notice').innerText(), /enregistrée/);
    await cm.goto(`/w/${SLUG}/veille/digests`);
    await cm.fill('#digest-title', 'Synthèse farine');
    await cm.fill('#digest-intro', 'Ce qui compte cette semaine.');
    r = await submitForm(cm, '#digest-form');
    assert.equal(r.status(), 200);
    digestPath = new URL(cm.url()).pathname;
    assert.match(await cm.locator('article.digest').innerText(), /Revoir le prix de la baguette/);
    await cm.fill('#send-to', 'cliente@maison-dupain.example');
    r = await submitForm(cm, '#digest-send-form');
    assert.equal(r.status(), 200);
    const mail = await waitForMail(env.server.mailDir, 'cliente@maison-dupain.example');
    assert.equal(mail.json.subject, 'Synthèse farine');
    assert.match(mail.eml, /multipart\/alternative/);
  });

  test('a burst fires one spike alert, shown, charted and e-mailed to the team', async () => {
    await cm.goto(`/w/${SLUG}/veille/topics`);
    await cm.fill('#topic-name', 'Mobilisation');
    await cm.selectOption('#topic-kind', 'competition');
    await cm.fill('#topic-query', 'manifestation AND meuniers');
    let r = await submitForm(cm, '#topic-form');
    assert.equal(r.status(), 200);
    await cm.goto(`/w/${SLUG}/veille/sources`);
    await cm.selectOption('#source-kind', 'feed');
    await cm.fill('#source-url', feedURL.replace('/fil.xml', '/burst.xml'));
    r = await submitForm(cm, '#source-form');
    assert.equal(r.status(), 200);
    let rows = 0;
    for (let i = 0; i < 60 && rows === 0; i += 1) {
      await cm.goto(`/w/${SLUG}/veille/alerts`);
      rows = await cm.locator('#veille-alerts-table tbody tr', { hasText: 'Mobilisation' }).count();
      if (rows === 0) await new Promise((res) => setTimeout(res, 500));
    }
    assert.equal(rows, 1, 'one alert for the burst');
    const row = cm.locator('#veille-alerts-table tbody tr', { hasText: 'Mobilisation' });
    assert.match(await row.innerText(), /volume inhabituel/);
    assert.match(await row.innerText(), /\b25\b/);
    // Its link shows the burst's items, and only them.
    await row.locator('a').click();
    await cm.waitForURL(/\/veille\/items\?/);
    assert.equal(await cm.locator('article.veille-item').count(), 25);
    assert.equal(await cm.locator('article.veille-item', { hasText: 'farine' }).count(), 0);
    // The team is told by e-mail.
    const mail = await waitForMail(env.server.mailDir, 'Mobilisation');
    assert.ok(mail.json.rcpt_tos.length > 0, JSON.stringify(mail.json));
    assert.match(mail.json.body, /Mobilisation/);
    // The volume chart of the last 48 hours shows the hour with its alert.
    await cm.goto(`/w/${SLUG}/veille`);
    await cm.locator('tr', { hasText: 'Mobilisation' }).getByRole('link', { name: /Afficher/ }).click();
    await cm.selectOption('#volume-range', '48h');
    await submitForm(cm, 'form.filter-form');
    volumePath = new URL(cm.url()).pathname + new URL(cm.url()).search;
    assert.match(await cm.locator('#volume-summary').innerText(), /25 éléments sur la période/);
    const hour = cm.locator('#volume-table tbody tr', { hasText: 'volume inhabituel' });
    assert.equal(await hour.count(), 1);
    assert.match(await hour.innerText(), /\b25\b/);
  });

  for (const lang of ['fr', 'en']) {
    for (const [viewport, size] of [['desktop', DESKTOP_VIEWPORT], ['phone', PHONE_VIEWPORT]]) {
      test(`veille pages pass axe at ${viewport} width (${lang})`, async () => {
        const page = await newPage(env.browser, env.baseURL, { locale: BROWSER_LOCALE[lang] });
        try {
          await login(page, DEMO_USERS.cm, DEMO_PASSWORD);
          await setLanguage(page, lang);
          await page.setViewportSize(size);
          for (const [label, path] of [
            ['overview', `/w/${SLUG}/veille`],
            ['items', `/w/${SLUG}/veille/items`],
            ['search', `/w/${SLUG}/veille/items?q=farine`],
            ['item', itemPath],
            ['volume', volumePath],
            ['alerts', `/w/${SLUG}/veille/alerts`],
            ['digests', `/w/${SLUG}/veille/digests`],
            ['digest', digestPath],
          ]) {
            assert.ok(path, `${label}: the flow above gave its address`);
            const response = await page.goto(path);
            assert.equal(response.status(), 200, `${path}`);
            assert.equal(await htmlLang(page), lang);
            const name = `veille-${label}-${viewport}-${lang}`;
            if (viewport === 'phone') await expectNoHorizontalScroll(page, name);
            await expectNoAxeViolations(page, name);
          }
        } finally {
          await page.context().close();
        }
      });
    }
  }
});
