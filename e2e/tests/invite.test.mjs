// Inviting a member: the manager creates an invitation on the members page,
// the invitee accepts it in another browser and becomes a member.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createInvite,
  expectFieldError,
  freshEmail,
  login,
  submitForm,
} from '../lib/browser.mjs';
import { openPage, useServerAndBrowser } from '../lib/fixture.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from '../lib/server.mjs';

const env = useServerAndBrowser();
const SLUG = 'maison-dupain';
const NEW_PASSWORD = 'Invited-passphrase-2024';

test('a manager invites a viewer who accepts the invitation in a new browser', async (t) => {
  const manager = await openPage(t, env);
  await login(manager, DEMO_USERS.manager, DEMO_PASSWORD);

  const email = freshEmail('invitee');
  const invitePath = await createInvite(manager, SLUG, email, 'viewer');
  assert.match(invitePath, /^\/invite\/[^/]+$/);

  const invitee = await openPage(t, env);
  const response = await invitee.goto(invitePath);
  assert.equal(response.status(), 200, `${invitePath} should show the invitation`);
  await invitee.fill('#display-name', 'Camille Invitée');
  await invitee.fill('#new-password', NEW_PASSWORD);
  await invitee.fill('#password-confirm', NEW_PASSWORD);
  await submitForm(invitee, 'form:has(#new-password)');

  const landed = new URL(invitee.url()).pathname;
  assert.match(landed, new RegExp(`^/w/${SLUG}(/|$)`), `accepting should lead into the workspace, got ${invitee.url()}`);
  assert.equal(await invitee.locator('form#logout-form').count(), 1, 'the new member should be logged in');

  await manager.goto(`/w/${SLUG}/members`);
  const members = await manager.locator('#members-table').innerText();
  assert.ok(members.includes(email), `${email} should be listed in #members-table`);

  // An invitation works once.
  const late = await openPage(t, env);
  await late.goto(invitePath);
  assert.equal(await late.locator('#new-password').count(), 0, 'a used invitation must not be accepted again');

  // The new member can log in with the chosen password.
  const again = await openPage(t, env);
  await login(again, email, NEW_PASSWORD);
});

test('a malformed address is refused with an error tied to #invite-email', async (t) => {
  const manager = await openPage(t, env);
  await login(manager, DEMO_USERS.manager, DEMO_PASSWORD);
  await manager.goto(`/w/${SLUG}/members`);

  await manager.fill('#invite-email', 'not-an-email');
  await manager.selectOption('#invite-role', 'viewer');
  // Test the server's check: switch off the browser's own validation of
  // type="email", which would otherwise stop the form before it is sent.
  await manager.evaluate(() => {
    document.querySelector('#invite-form').noValidate = true;
  });
  await submitForm(manager, '#invite-form');

  await expectFieldError(manager, '#invite-email');
  assert.equal(await manager.inputValue('#invite-email'), 'not-an-email', 'the typed value should be kept');
  assert.equal(await manager.locator('#invite-link').count(), 0, 'no invitation should be made');
});

test('inviting someone who is already a member is refused with an error tied to #invite-email', async (t) => {
  const manager = await openPage(t, env);
  await login(manager, DEMO_USERS.manager, DEMO_PASSWORD);
  await manager.goto(`/w/${SLUG}/members`);

  await manager.fill('#invite-email', DEMO_USERS.cm);
  await manager.selectOption('#invite-role', 'viewer');
  await submitForm(manager, '#invite-form');

  await expectFieldError(manager, '#invite-email');
  assert.equal(await manager.inputValue('#invite-email'), DEMO_USERS.cm, 'the typed value should be kept');
  assert.equal(await manager.locator('#invite-link').count(), 0, 'no invitation should be made');
});
