// Browser helpers for the relais end-to-end tests: Debian's Chromium driven by
// playwright-core (no browser download), keyboard helpers and axe-core checks.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.E2E_CHROMIUM_PATH || '/usr/bin/chromium';

/** Where failure screenshots go (git-ignored). */
export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

export const PHONE_VIEWPORT = Object.freeze({ width: 390, height: 844 });
export const DESKTOP_VIEWPORT = Object.freeze({ width: 1280, height: 800 });

/** The axe rule sets every page must pass. */
export const AXE_TAGS = Object.freeze(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']);

const DEFAULT_TIMEOUT_MS = 15_000;
const NAVIGATION_TIMEOUT_MS = 30_000;

/**
 * Launches headless Chromium. playwright's plain launch() gives each browser a
 * fresh temporary profile (user-data-dir) and removes it on close().
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A new isolated browser context (own cookies) whose relative URLs resolve
 * against baseURL. The default locale is French (Accept-Language: fr-FR), the
 * app's default language; pass { locale: 'en-US' } for an English browser.
 */
export async function newContext(browser, baseURL, options = {}) {
  const context = await browser.newContext({
    baseURL,
    locale: 'fr-FR',
    viewport: DESKTOP_VIEWPORT,
    ...options,
  });
  context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  return context;
}

/** A new page in a new context; close it with page.context().close(). */
export async function newPage(browser, baseURL, options = {}) {
  const context = await newContext(browser, baseURL, options);
  return context.newPage();
}

/**
 * Runs `action` (which should make the page navigate, e.g. a key press that
 * submits a form) and waits until the new page has loaded. Returns the response
 * of the main document (null for same-document navigations).
 */
export async function navigating(page, action) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    action(),
  ]);
  return response;
}

/** Describes document.activeElement: { tag, id, name, type, className, href, text, inMain }. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) {
      return { tag: el ? el.tagName.toLowerCase() : null, id: '', className: '', href: null, text: '', inMain: false };
    }
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute('name'),
      type: el.getAttribute('type'),
      className: typeof el.className === 'string' ? el.className : '',
      href: el.getAttribute('href'),
      text: (el.textContent || '').trim().slice(0, 80),
      inMain: Boolean(el.closest('main#main')),
    };
  });
}

/** True if the focused element matches the CSS selector. */
export async function isFocused(page, selector) {
  return page.evaluate((sel) => {
    const el = document.activeElement;
    return Boolean(el && el.matches(sel));
  }, selector);
}

/**
 * Presses Tab until the element matching `selector` has the focus, at most
 * `maxPresses` times; fails (listing what got the focus) otherwise.
 */
export async function tabUntil(page, selector, maxPresses = 10) {
  const seen = [];
  for (let i = 0; i < maxPresses; i += 1) {
    await page.keyboard.press('Tab');
    if (await isFocused(page, selector)) return i + 1;
    const f = await focused(page);
    seen.push(`${f.tag}${f.id ? `#${f.id}` : ''}${f.className ? `.${f.className.split(/\s+/).join('.')}` : ''}${f.href ? `[href=${f.href}]` : ''}`);
  }
  assert.fail(`${selector} did not get the focus after ${maxPresses} Tab presses; focus went to: ${seen.join(' → ')}`);
}

/**
 * Logs in through /login with the keyboard only: Tab to #email, type, Tab to
 * #password, type, Enter. With expectSuccess (default) it checks that the
 * browser left /login.
 */
export async function login(page, email, password, { expectSuccess = true } = {}) {
  await page.goto('/login');
  await tabUntil(page, '#email', 10);
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  assert.ok(await isFocused(page, '#password'), 'Tab from #email should reach #password');
  await page.keyboard.type(password);
  const response = await navigating(page, () => page.keyboard.press('Enter'));
  if (expectSuccess) {
    const url = new URL(page.url());
    assert.notEqual(url.pathname, '/login', `login as ${email} failed: still on ${page.url()}`);
  }
  return response;
}

/** The lang attribute of <html>. */
export async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.getAttribute('lang'));
}

/** The trimmed text of the first h1. */
export async function h1Text(page) {
  const h1 = page.locator('h1').first();
  assert.ok(await h1.isVisible(), `no visible h1 on ${page.url()}`);
  return (await h1.innerText()).trim();
}

/**
 * Asserts that the field is marked invalid (aria-invalid="true") and that its
 * aria-describedby points at an element with text (the error message).
 * Returns that text.
 */
export async function expectFieldError(page, selector) {
  const info = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { found: false };
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const texts = ids.map((id) => {
      const target = document.getElementById(id);
      return target ? (target.textContent || '').trim() : '';
    });
    return {
      found: true,
      invalid: el.getAttribute('aria-invalid'),
      describedby: ids,
      text: texts.filter(Boolean).join(' '),
    };
  }, selector);
  assert.ok(info.found, `${selector} is missing on ${page.url()}`);
  assert.equal(info.invalid, 'true', `${selector} should have aria-invalid="true"`);
  assert.ok(info.describedby.length > 0, `${selector} should have aria-describedby pointing at its error message`);
  assert.ok(info.text.length > 0, `the element(s) #${info.describedby.join(', #')} describing ${selector} should hold the error text`);
  return info.text;
}

/** True if the field is marked invalid and described by a non-empty message. */
export async function hasFieldError(page, selector) {
  try {
    await expectFieldError(page, selector);
    return true;
  } catch {
    return false;
  }
}

/**
 * Chooses `value` in a focused-by-keyboard <select> with arrow keys, as a
 * keyboard user would (a closed select on Linux changes its value with
 * ArrowDown/ArrowUp). Focuses the select first.
 */
export async function chooseWithKeyboard(page, selector, value) {
  await page.focus(selector);
  const { values, current } = await page.evaluate((sel) => {
    const select = document.querySelector(sel);
    return { values: [...select.options].map((o) => o.value), current: select.value };
  }, selector);
  const target = values.indexOf(value);
  assert.ok(target >= 0, `${selector} has no option with value "${value}" (options: ${JSON.stringify(values)})`);
  const key = target > values.indexOf(current) ? 'ArrowDown' : 'ArrowUp';
  for (let i = 0; i < values.length && (await page.inputValue(selector)) !== value; i += 1) {
    await page.keyboard.press(key);
  }
  assert.equal(await page.inputValue(selector), value, `could not choose "${value}" in ${selector} with the keyboard`);
}

/**
 * The submit control of a form: button[type=submit], input[type=submit] or a
 * button without a type.
 */
export function submitButton(page, formSelector) {
  return page
    .locator(`${formSelector} button[type="submit"], ${formSelector} input[type="submit"], ${formSelector} button:not([type])`)
    .first();
}

/** Submits a form through its submit button and waits for the next page. */
export async function submitForm(page, formSelector) {
  const button = submitButton(page, formSelector);
  return navigating(page, () => button.click());
}

/**
 * Creates an invitation through the members page of a workspace and returns
 * the path of its link (/invite/TOKEN). The link is read from #invite-link
 * (an <a href>, an <input> value, or text); an absolute URL is reduced to its
 * path so that it is opened on the server under test.
 */
export async function createInvite(page, slug, email, role) {
  await page.goto(`/w/${slug}/members`);
  await page.fill('#invite-email', email);
  await page.selectOption('#invite-role', role);
  await submitForm(page, '#invite-form');
  return readInviteLink(page);
}

export async function readInviteLink(page) {
  const link = page.locator('#invite-link');
  assert.ok((await link.count()) > 0, `no #invite-link on ${page.url()} after inviting`);
  const raw = await link.evaluate((el) => {
    const parts = [];
    if ('value' in el && typeof el.value === 'string') parts.push(el.value);
    if (el.getAttribute('href')) parts.push(el.getAttribute('href'));
    for (const a of el.querySelectorAll('a[href], input')) parts.push(a.getAttribute('href') || a.value || '');
    parts.push(el.textContent || '');
    return parts.join(' ');
  });
  const match = /(?:https?:\/\/[^\s"'<>/]+)?(\/invite\/[A-Za-z0-9._~%-]+)/.exec(raw);
  assert.ok(match, `#invite-link holds no /invite/ URL: ${JSON.stringify(raw.slice(0, 200))}`);
  return match[1];
}

async function screenshot(page, label) {
  try {
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${label.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 100)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  } catch {
    return null;
  }
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      - ${n.target.join(' ')}\n        ${n.html.replace(/\s+/g, ' ').slice(0, 200)}\n        ${(n.failureSummary || '').replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  * ${v.id} [${v.impact}]: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA, plus best practices) on the page and
 * fails, listing every violation with its target nodes, unless there are none.
 */
export async function expectNoAxeViolations(page, label) {
  await page.waitForLoadState('load');
  // Evaluated through the DevTools protocol, so a strict Content-Security-Policy
  // on the page does not block it (an injected <script> would be).
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(`${axe.source}\n;void 0;`);
  }
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    [...AXE_TAGS],
  );
  if (results.violations.length > 0) {
    const shot = await screenshot(page, `axe-${label}`);
    assert.fail(
      `axe found ${results.violations.length} violation(s) on ${label} (${page.url()}):\n` +
        `${formatViolations(results.violations)}${shot ? `\n  screenshot: ${shot}` : ''}`,
    );
  }
}

/** Fails if the page scrolls horizontally (content wider than the viewport). */
export async function expectNoHorizontalScroll(page, label) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (scrollWidth > innerWidth) {
    const shot = await screenshot(page, `hscroll-${label}`);
    assert.fail(
      `${label} (${page.url()}) scrolls horizontally: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}` +
        `${shot ? `\n  screenshot: ${shot}` : ''}`,
    );
  }
}

/**
 * Describes how the focused element shows its focus: its computed outline and
 * box-shadow. `visible` is true when either is drawn.
 */
export async function focusIndicator(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { visible: false, outline: 'no focused element', boxShadow: '' };
    const style = getComputedStyle(el);
    const outlineDrawn = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadowDrawn = style.boxShadow !== 'none' && style.boxShadow !== '';
    return {
      visible: outlineDrawn || shadowDrawn,
      outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      boxShadow: style.boxShadow,
    };
  });
}

/** A fresh e-mail address for an invitation. */
export function freshEmail(prefix = 'new') {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
}

/** The submit control of the language form on /settings. */
const LANGUAGE_SUBMIT =
  '#language-form button[type="submit"], #language-form input[type="submit"], #language-form button:not([type])';

/**
 * Sets the logged-in user's language on /settings with the keyboard only:
 * arrow keys in select#locale, Tab to the form's button, then `key` (Enter or
 * Space) on it. Waits for the page that follows.
 */
export async function setLanguage(page, value, { key = 'Enter' } = {}) {
  await page.goto('/settings');
  await chooseWithKeyboard(page, '#locale', value);
  await tabUntil(page, LANGUAGE_SUBMIT, 5);
  return navigating(page, () => page.keyboard.press(key));
}

/**
 * Presses Tab through the page and returns one entry per tab stop
 * ({ element, indicator }) until the focus comes back to the document or to
 * the first stop (at most maxStops). Call it right after page.goto() so that
 * it starts from the top.
 */
export async function walkTabStops(page, maxStops = 40) {
  const stops = [];
  let firstKey = null;
  for (let i = 0; i < maxStops; i += 1) {
    await page.keyboard.press('Tab');
    const element = await focused(page);
    if (element.tag === null || element.tag === 'body' || element.tag === 'html') break;
    const key = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el.dataset.e2eStop) el.dataset.e2eStop = String(Math.random());
      return el.dataset.e2eStop;
    });
    if (firstKey === null) firstKey = key;
    else if (key === firstKey) break;
    stops.push({ element, indicator: await focusIndicator(page) });
  }
  return stops;
}

/** A short human-readable name for a `focused()` description. */
export function describeElement(f) {
  const classes = f.className ? `.${f.className.trim().split(/\s+/).join('.')}` : '';
  return `${f.tag}${f.id ? `#${f.id}` : ''}${classes}${f.href ? `[href="${f.href}"]` : ''}${f.text ? ` "${f.text}"` : ''}`;
}
