import {
  adminCredentials, expect, goto, heading, jsEnabled, signIn, signUp, test, uniqueEmail, uniquePassword,
} from './support';

test('an admin sets up a group and a category, goes online, and a new ticket in that category is assigned to them', async ({ page, browser }, testInfo) => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const group = `Network ${suffix}`;
  const category = `VPN ${suffix}`;
  const subject = `VPN drops ${suffix}`;
  const admin = adminCredentials();

  // The admin, who is also an agent, stays signed in on this page throughout:
  // signing out of the last session would take them offline.
  await signIn(page, admin.email, admin.password, '/agent');
  await goto(page, '/admin/groups');
  await page.getByLabel('Group name', { exact: true }).fill(group);
  await page.getByRole('button', { name: 'Create group', exact: true }).click();
  const card = page.getByRole('region', { name: group, exact: true });
  await expect(card).toBeVisible();
  await expect(card.getByText('No members yet')).toBeVisible();
  await card.getByLabel(`Add to ${group}`, { exact: true }).selectOption({ label: `E2E Admin (${admin.email})` });
  await card.getByRole('button', { name: 'Add member', exact: true }).click();
  await expect(page.getByRole('table', { name: `Members of ${group}` }).getByText(admin.email, { exact: true })).toBeVisible();

  await goto(page, '/admin/categories');
  const form = page.getByRole('region', { name: 'New category' });
  await form.getByLabel('Category name', { exact: true }).fill(category);
  await form.getByLabel('Group', { exact: true }).selectOption({ label: group });
  await form.getByLabel('Default priority', { exact: true }).selectOption({ label: 'High' });
  await form.getByRole('button', { name: 'Create category', exact: true }).click();
  await expect(page.getByRole('cell', { name: category, exact: true })).toBeVisible();

  await goto(page, '/agent');
  await page.getByLabel('Set your availability', { exact: true }).selectOption({ label: 'Online' });
  await page.getByRole('button', { name: 'Set', exact: true }).click();
  await expect(page.getByText('You are online: new tickets come to you.')).toBeVisible();

  // A customer, in a browser of their own, raises a ticket in that category.
  const customerContext = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const customer = await customerContext.newPage();
  await signUp(customer, 'Vera Customer', uniqueEmail('routing'), uniquePassword());
  await goto(customer, '/portal/tickets/new');
  await customer.getByLabel('Category', { exact: true }).selectOption({ label: category });
  await customer.getByLabel('Subject', { exact: true }).fill(subject);
  await customer.getByLabel('Description', { exact: true }).fill('The VPN drops every ten minutes.');
  await customer.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(customer, subject)).toBeVisible();
  await customerContext.close();

  // It is already the admin's: "My open" shows it after a refresh.
  await expect(async () => {
    await goto(page, '/agent?view=my_open');
    await expect(page.getByRole('link', { name: subject, exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await page.getByRole('link', { name: subject, exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  await expect(page.getByText('The scheduler assigned the ticket to')).toBeVisible();
  await expect(page.getByText(category).first()).toBeVisible();

  // The agent files it under no category: the history says so.
  const details = page.getByRole('region', { name: 'Details', exact: true });
  const categorySelect = details.getByLabel('Category', { exact: true });
  await expect(categorySelect.locator('option:checked')).toHaveText(category);
  await categorySelect.selectOption({ label: 'No category' });
  await details.getByRole('button', { name: 'Save changes', exact: true }).click();
  await expect(page.getByText(`changed the category from ${category} to no category`)).toBeVisible();

  await goto(page, '/admin/groups');
  const members = page.getByRole('table', { name: `Members of ${group}` });
  await expect(members.getByText('Online', { exact: true })).toBeVisible();
});
