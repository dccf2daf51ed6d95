// French is the default language; English is chosen per user on /settings
// (with the keyboard here) or, for anonymous visitors, from Accept-Language.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { h1Text, htmlLang, login, setLanguage } from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from '../lib/server.mjs';

const env = useServerAndBrowser();

test('a user switches the interface to English and back with the keyboard', async (t) => {
  const page = await openPage(t, env); // a French browser (fr-FR)
  await login(page, DEMO_USERS.owner, DEMO_PASSWORD);
  assert.equal(await htmlLang(page), 'fr', 'French is the default language');

  await page.goto('/settings');
  assert.equal(await htmlLang(page), 'fr');
  const frenchTitle = await h1Text(page);

  await setLanguage(page, 'en', { key: 'Enter' });
  assert.equal(await htmlLang(page), 'en', 'the page after saving should already be in English');
  await page.goto('/settings');
  assert.equal(await htmlLang(page), 'en');
  const englishTitle = await h1Text(page);
  assert.notEqual(englishTitle, frenchTitle, 'the h1 of /settings should be translated');
  assert.equal(await page.inputValue('select#locale'), 'en', 'the saved choice should be preselected');

  await page.goto('/');
  assert.equal(await htmlLang(page), 'en', 'the choice applies to every page');

  await setLanguage(page, 'fr', { key: 'Space' });
  assert.equal(await htmlLang(page), 'fr');
  await page.goto('/settings');
  assert.equal(await htmlLang(page), 'fr');
  assert.equal(await h1Text(page), frenchTitle);
});

test("a user's saved language wins over the browser's language", async (t) => {
  const french = await openPage(t, env);
  await login(french, DEMO_USERS.manager, DEMO_PASSWORD);
  await setLanguage(french, 'fr');

  const english = await openPage(t, env, { locale: 'en-US' });
  await login(english, DEMO_USERS.manager, DEMO_PASSWORD);
  assert.equal(await htmlLang(english), 'fr', 'the saved choice "fr" should win over Accept-Language: en-US');

  // Back to automatic: the browser's language decides again.
  await setLanguage(english, '');
  await english.goto('/');
  assert.equal(await htmlLang(english), 'en', 'with no saved choice, Accept-Language: en-US gives English');
});

test('anonymous pages follow the browser language, French by default', async (t) => {
  const english = await openPage(t, env, { locale: 'en-US' });
  await english.goto('/login');
  assert.equal(await htmlLang(english), 'en', '/login for an en-US browser should be in English');
  const englishTitle = await h1Text(english);

  const french = await openPage(t, env); // the default context: fr-FR
  await french.goto('/login');
  assert.equal(await htmlLang(french), 'fr', '/login for a fr-FR browser should be in French');
  assert.notEqual(await h1Text(french), englishTitle, 'the h1 of /login should be translated');

  const other = await openPage(t, env, { locale: 'de-DE' });
  await other.goto('/login');
  assert.equal(await htmlLang(other), 'fr', 'a language relais does not have falls back to French');
});
