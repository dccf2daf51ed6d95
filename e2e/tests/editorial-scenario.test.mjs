// The whole editorial scenario of issue 3, as one story in French, in a real
// browser with a real SMTP server: the community manager writes the charter
// (three axes, an Instagram plan with its weekly bounds and a posting window
// with its reason), plans a month three months ahead through the composer,
// sees on the calendar the finding for the entry outside the window, fixes it
// with the move form (keyboard only) and sees the finding go and the score
// rise, moves the entries to internal review and submits them to the client.
// The client requests a change on one entry and approves the rest, with the
// keyboard; the team sees the notification in the app and the e-mail arrives
// at the SMTP server. axe-core on every page the first time it is visited.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectNoAxeViolations, isFocused, login, navigating, tabUntil } from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS, waitForMail } from '../lib/server.mjs';

const env = useServerAndBrowser({ smtp: true });
const SLUG = 'maison-dupain';

/** Focuses `selector` and presses Enter: a keyboard user's click. */
async function pressEnterOn(page, selector) {
  await page.focus(selector);
  return navigating(page, () => page.keyboard.press('Enter'));
}

/** The month three months from now, as YYYY-MM (no demo entries there). */
function monthAhead(n = 3) {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
}

/** An ISO date of `month` (YYYY-MM). */
const dayOf = (month, day) => `${month}-${String(day).padStart(2, '0')}`;

test('a community manager plans a month under the charter, the client decides, the team hears of it', async (t) => {
  const token = `scenario-${Date.now()}`;
  const month = monthAhead();
  const reason = `Pause déjeuner : on choisit son dessert (${token})`;

  // ── (1) The charter: three axes, an Instagram plan, a window with its reason.
  const cm = await openPage(t, env);
  await login(cm, DEMO_USERS.cm, DEMO_PASSWORD);
  await cm.goto(`/w/${SLUG}/charter`);
  await expectNoAxeViolations(cm, 'charter (fr)');
  const versionBefore = await cm.locator('#history-table tbody tr').count();
  await pressEnterOn(cm, `a[href="/w/${SLUG}/charter/edit"]`);
  assert.equal(new URL(cm.url()).pathname, `/w/${SLUG}/charter/edit`);
  await expectNoAxeViolations(cm, 'charter edit (fr)');

  const axes = [
    ['Coulisses du fournil', 'Le levain, la nuit, les gestes', 'Fidéliser la clientèle du quartier', 'Ce qui ne se voit pas en grande surface.'],
    ['Produits de saison', 'Le pain du mois, les fruits du moment', 'Faire venir de nouveaux clients en boutique', 'Une raison de passer cette semaine.'],
    ['Recettes et conseils', 'Conserver et cuisiner le pain', 'Fidéliser la clientèle du quartier', 'Des contenus utiles que l’on garde.'],
  ];
  for (const [i, [name, theme, objective, rationale]] of axes.entries()) {
    await cm.fill(`#charter-axes-${i}-name`, name);
    await cm.fill(`#charter-axes-${i}-theme`, theme);
    await cm.fill(`#charter-axes-${i}-objective`, objective);
    await cm.fill(`#charter-axes-${i}-rationale`, rationale);
  }
  // Any further axis of the demo charter is emptied: an empty row is dropped.
  for (let i = axes.length; (await cm.locator(`#charter-axes-${i}-name`).count()) > 0; i += 1) {
    for (const field of ['name', 'theme', 'objective', 'rationale']) await cm.fill(`#charter-axes-${i}-${field}`, '');
  }

  // The Instagram plan (network 1 of the demo charter): 1 to 3 posts a week,
  // one window every day from 11:00 to 13:00, with its reason.
  assert.equal(await cm.inputValue('#charter-networks-0-network'), 'instagram');
  await cm.fill('#charter-networks-0-content-types', 'coulisses, produit, recette, portrait');
  await cm.fill('#charter-networks-0-min-per-week', '1');
  await cm.fill('#charter-networks-0-max-per-week', '3');
  for (const box of await cm.locator('input[name="networks.0.windows.0.days"]').all()) await box.uncheck();
  await cm.fill('#charter-networks-0-windows-0-start', '11:00');
  await cm.fill('#charter-networks-0-windows-0-end', '13:00');
  await cm.fill('#charter-networks-0-windows-0-reason', reason);
  for (let j = 1; (await cm.locator(`#charter-networks-0-windows-${j}-start`).count()) > 0; j += 1) {
    for (const box of await cm.locator(`input[name="networks.0.windows.${j}.days"]`).all()) await box.uncheck();
    for (const field of ['start', 'end', 'reason']) await cm.fill(`#charter-networks-0-windows-${j}-${field}`, '');
  }
  // The other networks of the demo charter ask for no minimum in this plan.
  for (let i = 1; (await cm.locator(`#charter-networks-${i}-min-per-week`).count()) > 0; i += 1) {
    await cm.fill(`#charter-networks-${i}-min-per-week`, '0');
  }
  await cm.fill('#charter-note', `Plan de ${month} : créneau du midi sur Instagram`);
  await pressEnterOn(cm, '#charter-form button[type="submit"][name="save"]:not(.visually-hidden)');
  assert.equal(new URL(cm.url()).pathname, `/w/${SLUG}/charter`, `saved: ${cm.url()}`);
  assert.match(await cm.locator('main').innerText(), /Version 2|version 2/);
  assert.equal(await cm.locator('#history-table tbody tr').count(), versionBefore + 1, 'the new version is in the history');
  assert.ok((await cm.locator('#history-table').innerText()).includes(`Plan de ${month}`));
  assert.equal(await cm.locator('#axes-table tbody tr').count(), 3, 'three axes');
  const plan = await cm.locator('#plan-instagram').locator('xpath=..').innerText();
  assert.ok(plan.includes('11:00–13:00') && plan.includes(reason), `the Instagram window and its reason are shown: ${plan}`);

  // ── (2) The month, planned through the composer, all on Instagram.
  const entries = [
    { title: `Le levain du lundi ${token}`, axis: 'Coulisses du fournil', type: 'coulisses', day: 2, time: '12:00', body: 'Cinq heures du matin : le levain est prêt. #MaisonDupain' },
    { title: `Le pain du mois ${token}`, axis: 'Produits de saison', type: 'produit', day: 4, time: '11:30', body: 'Ce mois-ci, seigle et noisettes. #PainDuMois' },
    { title: `Conserver sa baguette ${token}`, axis: 'Recettes et conseils', type: 'recette', day: 9, time: '18:45', body: 'Un torchon, pas de sac plastique : nos conseils.' },
    { title: `Portrait de Lucie ${token}`, axis: 'Coulisses du fournil', type: 'portrait', day: 11, time: '12:30', body: 'Lucie, apprentie, façonne ses premières baguettes.' },
    { title: `Galette aux pommes ${token}`, axis: 'Produits de saison', type: 'produit', day: 16, time: '12:15', body: 'La galette aux pommes revient en vitrine.' },
  ];
  const outside = entries[2]; // 18:45, outside the 11:00–13:00 window
  let firstComposer = true;
  for (const e of entries) {
    await cm.goto(`/w/${SLUG}/entries/new?date=${dayOf(month, e.day)}`);
    if (firstComposer) await expectNoAxeViolations(cm, 'composer, new entry (fr)');
    assert.equal(await cm.inputValue('#entry-date'), dayOf(month, e.day));
    await cm.fill('#entry-title', e.title);
    await cm.selectOption('#entry-axis', e.axis);
    await cm.fill('#entry-content-type', e.type);
    await cm.locator('#entry-accounts label', { hasText: 'Instagram' }).click();
    await cm.fill('#entry-time', e.time);
    await cm.fill('#entry-body', e.body);
    await pressEnterOn(cm, '#entry-form button[type="submit"][name="save"]:not(.visually-hidden)');
    const url = new URL(cm.url());
    assert.match(url.pathname, new RegExp(`^/w/${SLUG}/entries/\\d+$`), `created: ${cm.url()}`);
    assert.equal(url.searchParams.get('done'), 'created');
    e.path = url.pathname;
    e.id = url.pathname.split('/').pop();
    if (firstComposer) await expectNoAxeViolations(cm, 'entry after creation (fr)');
    firstComposer = false;
  }

  // ── (3) The calendar of that month: the window finding, linked to its entry.
  const calendar = `/w/${SLUG}/calendar?view=month&date=${month}-01`;
  await cm.goto(calendar);
  await expectNoAxeViolations(cm, 'calendar month (fr)');
  for (const e of entries) {
    assert.equal(await cm.locator(`#calendar-month a[href="${e.path}"]`).count(), 1, `${e.title} is on the calendar`);
  }
  const findingText = `« ${outside.title} » est prévu le ${dayOf(month, outside.day)} à 18:45 sur Instagram, hors des créneaux de la charte.`;
  const finding = cm.locator('section.conformance li.finding a', { hasText: findingText });
  assert.equal(await finding.count(), 1, `the conformance panel lists: ${findingText}\n${await cm.locator('section.conformance').innerText()}`);
  assert.equal(await finding.getAttribute('href'), outside.path, 'the finding links to its entry');
  const score = async () => Number(/(\d+) \/ 100/.exec(await cm.locator('#conformance-score').innerText())[1]);
  const scoreBefore = await score();
  // The other entries are inside the window.
  for (const e of entries.filter((x) => x !== outside)) {
    assert.equal(await cm.locator('section.conformance li.finding a', { hasText: `« ${e.title} » est prévu le` }).count(), 0, `${e.title} is inside the window`);
  }

  // ── (4) The fix, keyboard only: follow the finding, move the entry to 12:45.
  await pressEnterOn(cm, `section.conformance li.finding a[href="${outside.path}"]`);
  assert.equal(new URL(cm.url()).pathname, outside.path);
  await cm.focus('#move-date');
  assert.equal(await cm.inputValue('#move-date'), dayOf(month, outside.day));
  // Tab goes through the date's segments (day, month, year) to the time.
  await tabUntil(cm, '#move-time', 6);
  // Headless Chromium shows the time in its own UI locale (en-US: hh:mm AM/PM).
  await cm.keyboard.type('1245P');
  assert.equal(await cm.inputValue('#move-time'), '12:45', 'the time field took the typed time');
  await tabUntil(cm, '#move-form button[type="submit"]', 6);
  await navigating(cm, () => cm.keyboard.press('Enter'));
  assert.equal(new URL(cm.url()).searchParams.get('done'), 'moved');
  assert.equal(await cm.inputValue('#move-time'), '12:45');
  await cm.goto(calendar);
  assert.equal(await cm.locator('section.conformance li.finding a', { hasText: `« ${outside.title} » est prévu le` }).count(), 0, 'the window finding is gone');
  const scoreAfter = await score();
  // One warning fewer: the score rises by its weight (3), unless it was clamped.
  assert.ok(scoreAfter > scoreBefore, `the score rises once the finding is fixed (${scoreBefore} → ${scoreAfter})`);
  if (scoreAfter < 100) assert.equal(scoreAfter - scoreBefore, 3, `a warning weighs 3 points (${scoreBefore} → ${scoreAfter})`);

  // ── (5) Draft → internal review for each entry, then the month is submitted.
  for (const e of entries) {
    await cm.goto(e.path);
    await pressEnterOn(cm, '#status-form button[name="to"][value="internal_review"]');
    assert.ok(!/error/.test(new URL(cm.url()).search), `${e.title} moved to internal review: ${cm.url()}`);
  }
  await cm.goto(`/w/${SLUG}/approvals`);
  await expectNoAxeViolations(cm, 'approvals (team, fr)');
  const ready = await cm.locator('#ready').innerText();
  for (const e of entries) assert.ok(ready.includes(e.title), `${e.title} is ready to submit`);
  await pressEnterOn(cm, '#submit-all button');
  assert.match(await cm.locator('#approval-notice').innerText(), /soumise/);
  const waitingForTeam = await cm.locator('#waiting').innerText();
  for (const e of entries) assert.ok(waitingForTeam.includes(e.title), `${e.title} now waits for the client`);

  // ── (6) The client, in a browser of their own: a change on one, the rest approved.
  const client = await openPage(t, env);
  await login(client, DEMO_USERS.client, DEMO_PASSWORD);
  await client.goto(`/w/${SLUG}/approvals`);
  await expectNoAxeViolations(client, 'approvals (client, fr)');
  for (const e of entries) {
    assert.equal(await client.locator(`#decide-${e.id}`).count(), 1, `the client can decide on ${e.title}`);
  }
  const changed = entries[1];
  await client.focus(`#comment-${changed.id}`);
  await client.keyboard.type(`Le seigle est aux noix, pas aux noisettes (${token}).`);
  await client.keyboard.press('Tab');
  await client.keyboard.press('Tab');
  assert.ok(await isFocused(client, `#changes-${changed.id}`), 'Tab, Tab from the comment reaches "request changes"');
  await navigating(client, () => client.keyboard.press('Enter'));
  assert.match(await client.locator('#approval-notice').innerText(), /Modifications demandées/);
  assert.equal(await client.locator(`#decide-${changed.id}`).count(), 0, 'the entry with a request for changes no longer waits');

  // The rest, a week at a time (or one entry when it is alone in its week).
  for (;;) {
    const left = [];
    for (const e of entries) if (e !== changed && (await client.locator(`#decide-${e.id}`).count()) > 0) left.push(e);
    if (left.length === 0) break;
    const weekId = await client.locator(`#entry-${left[0].id}`).evaluate((el) => el.closest('section.week').id);
    const weekKey = weekId.replace(/^week-/, '');
    const weekIds = await client.locator(`#${weekId} article.entry-card`).evaluateAll((els) => els.map((el) => el.id.replace('entry-', '')));
    const ours = new Set(entries.map((e) => e.id));
    assert.ok(weekIds.every((id) => ours.has(id)), `week ${weekKey} holds only this plan's entries`);
    if ((await client.locator(`#approve-week-${weekKey}`).count()) > 0) {
      await pressEnterOn(client, `#approve-week-${weekKey}`);
    } else {
      await pressEnterOn(client, `#approve-${left[0].id}`);
    }
    assert.match(await client.locator('#approval-notice').innerText(), /approuv/i);
  }

  // ── (7) The team sees it: header count, notifications page, entry status, e-mail.
  await cm.goto('/');
  assert.match(await cm.locator('#nav-notifications').innerText(), /Notifications \(\d+ non lues?\)/);
  await pressEnterOn(cm, '#nav-notifications');
  await expectNoAxeViolations(cm, 'notifications (fr)');
  const list = await cm.locator('#notifications-list').innerText();
  assert.ok(list.includes(token), `the notification carries the client's comment:\n${list}`);
  await cm.goto(changed.path);
  assert.ok((await cm.locator('#comments').innerText()).includes(token), 'the comment is on the entry');
  const mail = await waitForMail(env.server.mailDir, token);
  assert.match(JSON.stringify(mail.json), /relais/);
});
