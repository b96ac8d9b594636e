import {
  adminCredentials, alertMessage, expect, expectUrl, goto, heading, linkFrom, signIn, signOut,
  signUp, statusMessage, submitSignIn, test, uniqueEmail, uniquePassword, waitForMail,
} from './support';
import type { Page } from '@playwright/test';

async function signInAsAdmin(page: Page): Promise<void> {
  const admin = adminCredentials();
  await signIn(page, admin.email, admin.password, '/agent');
}

/** The admin console's user list, narrowed to `find` when given. */
async function openAdminConsole(page: Page, find?: string): Promise<void> {
  await goto(page, find ? `/admin?q=${encodeURIComponent(find)}` : '/admin');
  await expect(heading(page, 'Admin console')).toBeVisible();
}

/** The admin user-list row for `email`. */
function userRow(page: Page, email: string) {
  return page.getByRole('row').filter({ hasText: email });
}

/** A cell of the row whose whole text is `text` (a select's option texts never match). */
function cellWithText(row: ReturnType<typeof userRow>, text: string) {
  return row.getByRole('cell').filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) });
}

async function createCustomer(page: Page, name: string, prefix: string) {
  const email = uniqueEmail(prefix);
  const password = uniquePassword();
  await signUp(page, name, email, password);
  await signOut(page);
  return { email, password };
}

test('admin invites an agent who accepts and lands in the agent workspace', async ({ page }) => {
  const agentEmail = uniqueEmail('agent');
  const agentPassword = uniquePassword();

  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Admin console', exact: true }).click();
  await expectUrl(page, '/admin');
  await expect(heading(page, 'Admin console')).toBeVisible();

  const invite = page.getByRole('form', { name: 'Invite a team member' });
  await expect(heading(page, 'Invite a team member')).toBeVisible();
  await invite.getByRole('textbox', { name: 'Email' }).fill(agentEmail);
  await invite.getByLabel('Role', { exact: true }).selectOption({ label: 'Agent' });
  await invite.getByRole('button', { name: 'Send invitation', exact: true }).click();
  await expect(statusMessage(page, `Invitation sent to ${agentEmail}.`)).toBeVisible();
  await signOut(page);

  const mail = await waitForMail(agentEmail, 'You are invited to Ferrodesk');
  const link = linkFrom(mail, '/invite');
  expect(new URL(link).searchParams.get('token')).toBeTruthy();

  await goto(page, link);
  await expect(heading(page, 'Join Ferrodesk')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Andy Agent');
  await page.getByLabel('Password', { exact: true }).fill(agentPassword);
  await page.getByRole('button', { name: 'Accept invitation', exact: true }).click();
  await expectUrl(page, '/agent');
  await expect(heading(page, 'Agent workspace')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Agent workspace', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Admin console', exact: true })).toHaveCount(0);
  await signOut(page);

  // The new agent can sign in with the chosen password and lands in the workspace.
  await signIn(page, agentEmail, agentPassword, '/agent');
  await expect(heading(page, 'Agent workspace')).toBeVisible();
  await signOut(page);

  await signInAsAdmin(page);
  await openAdminConsole(page, agentEmail);
  const row = userRow(page, agentEmail);
  await expect(row).toHaveCount(1);
  await expect(cellWithText(row, 'Agent')).toHaveCount(1);
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
});

test('a customer is refused the agent workspace and the admin console', async ({ page }) => {
  await signUp(page, 'Cora Customer', uniqueEmail('refused'), uniquePassword());
  await expect(page.getByRole('link', { name: 'Agent workspace', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Admin console', exact: true })).toHaveCount(0);
  for (const path of ['/agent', '/admin']) {
    await goto(page, path);
    await expect(heading(page, 'Access refused')).toBeVisible();
    await expect(heading(page, 'Agent workspace')).toHaveCount(0);
    await expect(heading(page, 'Admin console')).toHaveCount(0);
  }
});

test('a signed-out visitor is asked to sign in for staff pages', async ({ page }) => {
  // One "Sign in" link is in the header, the other on the page itself (after it).
  const signInLinks = page.getByRole('link', { name: 'Sign in', exact: true });
  for (const path of ['/agent', '/admin']) {
    await goto(page, path);
    await expect(heading(page, 'Sign in required')).toBeVisible();
    await expect(signInLinks).toHaveCount(2);
  }
  await signInLinks.last().click();
  await expectUrl(page, '/portal/sign-in');
  await expect(heading(page, 'Sign in')).toBeVisible();
});

test('admin changes a customer into an agent', async ({ page }) => {
  const customer = await createCustomer(page, 'Rory Role', 'promote');

  await signInAsAdmin(page);
  await openAdminConsole(page, customer.email);
  const row = userRow(page, customer.email);
  await expect(cellWithText(row, 'Customer')).toHaveCount(1);
  await page.getByRole('combobox', { name: `Role for ${customer.email}` }).selectOption({ label: 'Agent' });
  await page.getByRole('button', { name: `Change role for ${customer.email}`, exact: true }).click();
  await expect(cellWithText(row, 'Agent')).toHaveCount(1);

  await openAdminConsole(page, customer.email);
  await expect(cellWithText(userRow(page, customer.email), 'Agent')).toHaveCount(1);
  await signOut(page);

  // The role takes effect: agents land in the agent workspace.
  await signIn(page, customer.email, customer.password, '/agent');
  await expect(heading(page, 'Agent workspace')).toBeVisible();
});

test('admin deactivates a customer who can then no longer sign in', async ({ page }) => {
  const customer = await createCustomer(page, 'Dana Deactivated', 'deact');

  await signInAsAdmin(page);
  await openAdminConsole(page, customer.email);
  const row = userRow(page, customer.email);
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: `Deactivate ${customer.email}`, exact: true }).click();
  await expect(row.getByText('Deactivated', { exact: true })).toBeVisible();

  await openAdminConsole(page, customer.email);
  await expect(userRow(page, customer.email).getByText('Deactivated', { exact: true })).toBeVisible();
  await signOut(page);

  await submitSignIn(page, customer.email, customer.password);
  await expect(alertMessage(page, 'Email or password is incorrect.')).toBeVisible();
  await expect(heading(page, 'Sign in')).toBeVisible();
});
