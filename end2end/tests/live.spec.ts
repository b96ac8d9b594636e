// Live updates between browsers: each person has a browser context of
// their own, and nothing here reloads a page to see another's change.
import {
  adminCredentials, expect, goto, heading, jsEnabled, signIn, signOut, signUp, test, uniqueEmail,
  uniquePassword,
} from './support';
import type { Browser, Page } from '@playwright/test';

/** A new customer, signed in on a page of their own browser. */
async function customerIn(browser: Browser, name: string): Promise<{ page: Page; email: string; password: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = uniqueEmail('live');
  const password = uniquePassword();
  await signUp(page, name, email, password);
  return { page, email, password };
}

async function raiseTicket(page: Page, subject: string): Promise<string> {
  await goto(page, '/portal/tickets/new');
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('It stopped working this morning.');
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  return new URL(page.url()).pathname.split('/').pop() ?? '';
}

/** The admin, signed in on a page of a browser of its own. */
async function adminIn(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const admin = adminCredentials();
  await signIn(page, admin.email, admin.password, '/agent');
  return page;
}

/** Turns the customer `email` into an agent, through the admin console. */
async function promote(admin: Page, email: string): Promise<void> {
  await goto(admin, `/admin?q=${encodeURIComponent(email)}`);
  await admin.getByRole('combobox', { name: `Role for ${email}` }).selectOption({ label: 'Agent' });
  await admin.getByRole('button', { name: `Change role for ${email}`, exact: true }).click();
  await expect(admin.getByRole('row').filter({ hasText: email }).getByRole('cell').filter({ hasText: /^\s*Agent\s*$/ })).toHaveCount(1);
}

async function live(page: Page): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: /^Live$/ })).toBeVisible();
}

test.beforeEach(async ({}, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'live updates need JavaScript; without it every page works by reload');
});

test('a customer replies and the agent’s open ticket page shows it within a second, keeping what the agent typed', async ({ browser }) => {
  const subject = `Live reply ${Math.random().toString(36).slice(2, 8)}`;
  const customer = await customerIn(browser, 'Lena Live');
  const id = await raiseTicket(customer.page, subject);

  const agent = await adminIn(browser);
  await goto(agent, `/agent/tickets/${id}`);
  await expect(heading(agent, subject)).toBeVisible();
  await live(agent);
  await agent.getByLabel('Message', { exact: true }).fill('Half-written answer');

  await customer.page.getByLabel('Your reply', { exact: true }).fill('It also beeps three times.');
  await customer.page.getByRole('button', { name: 'Send reply', exact: true }).click();
  await expect(customer.page.getByText('It also beeps three times.')).toBeVisible();

  await expect(agent.getByText('It also beeps three times.')).toBeVisible({ timeout: 1_000 });
  // Told before sending, and nothing typed was lost.
  await expect(agent.getByRole('alert').filter({ hasText: 'While you were writing' })).toContainText('Lena Live replied');
  await expect(agent.getByLabel('Message', { exact: true })).toHaveValue('Half-written answer');

  // The agent's answer reaches the customer's page in place.
  await agent.getByLabel('Message', { exact: true }).fill('Beeping means the drum is out; replacing it.');
  await agent.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(customer.page.getByText('Beeping means the drum is out; replacing it.')).toBeVisible({ timeout: 1_000 });
});

test('two agents on one ticket see each other viewing and replying', async ({ browser }) => {
  const subject = `Live presence ${Math.random().toString(36).slice(2, 8)}`;
  const customer = await customerIn(browser, 'Pia Presence');
  const id = await raiseTicket(customer.page, subject);

  const second = await customerIn(browser, 'Otto Agent');
  await signOut(second.page);
  const admin = await adminIn(browser);
  await promote(admin, second.email);
  await signIn(second.page, second.email, second.password, '/agent');

  await goto(admin, `/agent/tickets/${id}`);
  await goto(second.page, `/agent/tickets/${id}`);
  await live(admin);
  await live(second.page);
  await expect(admin.getByText('Otto Agent is viewing')).toBeVisible();
  await expect(second.page.getByText('E2E Admin is viewing')).toBeVisible();

  await second.page.getByLabel('Message', { exact: true }).pressSequentially('Looking into it', { delay: 20 });
  await expect(admin.getByText('Otto Agent is replying…')).toBeVisible();

  // Leaving the page ends the presence at once.
  await second.page.close();
  await expect(admin.getByText(/Otto Agent is/)).toHaveCount(0);
});

test('an admin assigns a ticket and the agent’s “My open” queue and notification tray show it without a reload', async ({ browser }) => {
  const subject = `Live assign ${Math.random().toString(36).slice(2, 8)}`;
  const customer = await customerIn(browser, 'Ada Assign');
  const id = await raiseTicket(customer.page, subject);

  const agent = await customerIn(browser, 'Gus Agent');
  await signOut(agent.page);
  const admin = await adminIn(browser);
  await promote(admin, agent.email);
  await signIn(agent.page, agent.email, agent.password, '/agent');
  await goto(agent.page, '/agent?view=my_open');
  await live(agent.page);
  await expect(agent.page.getByRole('link', { name: subject, exact: true })).toHaveCount(0);

  await goto(admin, `/agent/tickets/${id}`);
  const details = admin.getByRole('region', { name: 'Details', exact: true });
  await details.getByLabel('Assignee', { exact: true }).selectOption({ label: 'Gus Agent' });
  await details.getByRole('button', { name: 'Save changes', exact: true }).click();
  await expect(admin.getByText('assigned the ticket to Gus Agent')).toBeVisible();

  await expect(agent.page.getByRole('link', { name: subject, exact: true })).toBeVisible({ timeout: 2_000 });
  const tray = agent.page.getByRole('link', { name: /^Notifications/ });
  await expect(tray.getByLabel('1 unread')).toBeVisible({ timeout: 2_000 });

  // The tray lists it, and marking it read clears the count.
  await tray.click();
  await expect(heading(agent.page, 'Notifications')).toBeVisible();
  const item = agent.page.getByRole('list', { name: 'Notifications' }).getByRole('listitem').first();
  await expect(item).toContainText('Assigned to you');
  await expect(item).toContainText('E2E Admin assigned the ticket to Gus Agent.');
  await item.getByRole('button', { name: 'Mark read', exact: true }).click();
  await expect(agent.page.getByText('All read.')).toBeVisible();
  await expect(tray.getByLabel('1 unread')).toHaveCount(0);
});
