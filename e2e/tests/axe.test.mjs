// Every page, in French and in English, passes axe-core (WCAG 2.0/2.1 A and
// AA plus best practices) with zero violations; at a phone width the main
// pages pass too and do not scroll sideways.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createInvite,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  freshEmail,
  htmlLang,
  login,
  newPage,
  DESKTOP_VIEWPORT,
  PHONE_VIEWPORT,
  setLanguage,
} from '../lib/browser.mjs';
import { useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from '../lib/server.mjs';

const env = useServerAndBrowser();

const BROWSER_LOCALE = { fr: 'fr-FR', en: 'en-US' };

// Pages of a logged-in instance admin (the owner), with the status expected.
const LOGGED_IN_PAGES = [
  ['/', 200],
  ['/w/maison-dupain', 200],
  ['/w/maison-dupain/members', 200],
  ['/w/maison-dupain/audit', 200],
  ['/settings', 200],
  ['/admin', 200],
  ['/w/does-not-exist', 404],
];

async function visit(page, path, lang, expectedStatus = 200) {
  const response = await page.goto(path);
  assert.equal(response.status(), expectedStatus, `${path} should answer ${expectedStatus}`);
  assert.equal(await htmlLang(page), lang, `${path} should be in ${lang} (<html lang>)`);
}

for (const lang of ['fr', 'en']) {
  describe(`accessibility of the pages in ${lang}`, () => {
    let anonymous; // a visitor whose browser asks for `lang`
    let owner; // the owner, who chose `lang` on /settings

    before(async () => {
      anonymous = await newPage(env.browser, env.baseURL, { locale: BROWSER_LOCALE[lang] });
      owner = await newPage(env.browser, env.baseURL, { locale: BROWSER_LOCALE[lang] });
      await login(owner, DEMO_USERS.owner, DEMO_PASSWORD);
      await setLanguage(owner, lang);
    });

    after(async () => {
      await anonymous?.context().close();
      await owner?.context().close();
    });

    test(`/login (${lang})`, async () => {
      await visit(anonymous, '/login', lang);
      await expectNoAxeViolations(anonymous, `login-${lang}`);
    });

    test(`/login after a failed login, showing errors (${lang})`, async () => {
      await login(anonymous, DEMO_USERS.viewer, 'not-the-Password-1', { expectSuccess: false });
      assert.equal(await htmlLang(anonymous), lang);
      await expectNoAxeViolations(anonymous, `login-failed-${lang}`);
    });

    for (const [path, status] of LOGGED_IN_PAGES) {
      test(`${path} (${lang})`, async () => {
        await visit(owner, path, lang, status);
        await expectNoAxeViolations(owner, `${path}-${lang}`);
      });
    }

    test(`/w/maison-dupain/members showing a new invitation, and the invitation page (${lang})`, async () => {
      const invitePath = await createInvite(owner, 'maison-dupain', freshEmail(`axe-${lang}`), 'viewer');
      assert.equal(await htmlLang(owner), lang);
      await expectNoAxeViolations(owner, `members-with-invite-${lang}`);

      await visit(anonymous, invitePath, lang);
      await expectNoAxeViolations(anonymous, `invite-${lang}`);
    });

    describe(`at a phone width, ${PHONE_VIEWPORT.width}×${PHONE_VIEWPORT.height} (${lang})`, () => {
      before(async () => {
        await anonymous.setViewportSize(PHONE_VIEWPORT);
        await owner.setViewportSize(PHONE_VIEWPORT);
      });
      after(async () => {
        await anonymous.setViewportSize(DESKTOP_VIEWPORT);
        await owner.setViewportSize(DESKTOP_VIEWPORT);
      });

      test(`/login on a phone (${lang})`, async () => {
        await visit(anonymous, '/login', lang);
        await expectNoHorizontalScroll(anonymous, `phone-login-${lang}`);
        await expectNoAxeViolations(anonymous, `phone-login-${lang}`);
      });

      for (const path of ['/', '/w/maison-dupain/members']) {
        test(`${path} on a phone (${lang})`, async () => {
          await visit(owner, path, lang);
          await expectNoHorizontalScroll(owner, `phone-${path}-${lang}`);
          await expectNoAxeViolations(owner, `phone-${path}-${lang}`);
        });
      }
    });
  });
}
