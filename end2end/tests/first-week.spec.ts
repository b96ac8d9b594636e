// What a new user meets in the first week: the portal's front door, the
// site's icon and robots rules, forms that keep what was typed, create
// forms that clear, and pages that fit a phone.
import {
  adminCredentials, alertMessage, expect, goto, heading, jsEnabled, signIn, signUp, skipBrowserValidation,
  statusMessage, test, uniqueEmail, uniquePassword,
} from './support';

test('a visitor opening the portal is welcomed with every way in', async ({ page }) => {
  const response = await page.goto('/portal');
  expect(response?.status()).toBe(200);
  await goto(page, '/portal');
  await expect(heading(page, 'How can we help?')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Raise a request' }).first()).toBeVisible();
  await expect(heading(page, 'Follow a request')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create an account', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Raise a request' }).first().click();
  await expect(heading(page, 'Raise a request')).toBeVisible();
  await expect(page.getByLabel('Your email', { exact: true })).toBeVisible();
});

test('the site has an icon, a manifest and keeps private pages out of search engines', async ({ page, request }) => {
  await goto(page, '/portal');
  await expect(page.locator('link[rel=icon]')).toHaveAttribute('href', '/favicon.svg');
  const icon = await request.get('/favicon.svg');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  const robots = await (await request.get('/robots.txt')).text();
  for (const path of ['/portal', '/follow/', '/agent', '/admin']) {
    expect(robots).toContain(`Disallow: ${path}`);
  }
  const manifest = await (await request.get('/manifest.webmanifest')).json();
  expect(manifest.name).toBe('Ferrodesk');
});

test('an error on the raise form keeps everything a guest typed', async ({ page }) => {
  await goto(page, '/portal/tickets/new');
  await skipBrowserValidation(page);
  await page.getByLabel('Your email', { exact: true }).fill(uniqueEmail('guest'));
  await page.getByLabel('Your name', { exact: true }).fill('Gus Guest');
  await page.getByLabel('Description', { exact: true }).fill('Blank pages from the printer on floor 3.');
  await page.getByLabel('Urgency', { exact: true }).selectOption({ label: 'High' });
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(page.locator('.field-error, .form-error').first()).toBeVisible();
  expect(page.url()).not.toContain('printer');
  await expect(page.getByLabel('Description', { exact: true })).toHaveValue('Blank pages from the printer on floor 3.');
  await expect(page.getByLabel('Your name', { exact: true })).toHaveValue('Gus Guest');
  await expect(page.getByLabel('Urgency', { exact: true })).toHaveValue('high');
});

test('a created group clears its form and is named', async ({ page }) => {
  const admin = adminCredentials();
  const name = `Desk ${Math.random().toString(36).slice(2, 8)}`;
  await signIn(page, admin.email, admin.password, '/agent');
  await goto(page, '/admin/groups');
  await page.getByLabel('Group name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create group', exact: true }).click();
  await expect(heading(page, name)).toBeVisible();
  await expect(page.getByLabel('Group name', { exact: true })).toHaveValue('');
  if (jsEnabled(test.info())) {
    await expect(statusMessage(page, `Group “${name}” created`)).toBeVisible();
  }
  // The same name again is refused, and what was typed stays.
  await page.getByLabel('Group name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create group', exact: true }).click();
  await expect(page.getByRole('alert').first()).toBeVisible();
  await expect(page.getByLabel('Group name', { exact: true })).toHaveValue(name);
});

test('every page fits a 360 px phone without scrolling sideways', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 360, height: 740 });
  const fits = async (path: string) => {
    await goto(page, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(360);
  };
  for (const path of ['/', '/portal', '/portal/sign-in', '/portal/sign-up', '/portal/reset', '/portal/tickets/new']) {
    await fits(path);
  }
  const subject = `Phone ${Math.random().toString(36).slice(2, 8)}`;
  await signUp(page, 'Pia Phone', uniqueEmail('phone'), uniquePassword());
  await goto(page, '/portal/tickets/new');
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('Checking the phone layout.');
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  const ticket = new URL(page.url()).pathname;
  for (const path of [ticket, '/portal/tickets', '/portal/profile']) {
    await fits(path);
  }
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  const admin = adminCredentials();
  await signIn(page, admin.email, admin.password, '/agent');
  const id = ticket.split('/').pop();
  for (const path of [
    '/agent', '/agent?view=all_open', `/agent/tickets/${id}`, '/admin', '/admin/groups', '/admin/categories',
    '/admin/calendars', '/admin/sla', '/admin/escalations',
  ]) {
    await fits(path);
  }
});

test('a failed sign-up keeps the name and email but not the password', async ({ page }) => {
  await goto(page, '/portal/sign-up');
  await skipBrowserValidation(page);
  await page.getByLabel('Name', { exact: true }).fill('Ann Example');
  await page.getByLabel('Email', { exact: true }).fill('not-an-address');
  await page.getByLabel('Password', { exact: true }).fill(uniquePassword());
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(alertMessage(page, 'valid email')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Ann Example');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('not-an-address');
  if (!jsEnabled(test.info())) {
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  }
});

test('agents open a ticket beside the queue, list the shortcuts with ? and assign with a', async ({ page }) => {
  const subject = `Split ${Math.random().toString(36).slice(2, 8)}`;
  await signUp(page, 'Sid Split', uniqueEmail('split'), uniquePassword());
  await goto(page, '/portal/tickets/new');
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('Split view test.');
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();

  const admin = adminCredentials();
  await signIn(page, admin.email, admin.password, '/agent');
  await goto(page, `/agent?view=recent&q=${encodeURIComponent(subject)}`);
  await page.getByRole('link', { name: 'Open tickets beside the list', exact: true }).click();
  await page.getByRole('link', { name: subject, exact: true }).click();
  const pane = page.getByRole('region', { name: 'Open ticket' });
  await expect(pane.getByRole('heading', { name: subject, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: subject, exact: true })).toBeVisible();
  expect(new URL(page.url()).searchParams.get('layout')).toBe('split');

  if (jsEnabled(test.info())) {
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);
    await page.keyboard.press('a');
    await expect(pane.getByRole('region', { name: 'Details' }).getByLabel('Assignee', { exact: true })).toBeFocused();
  }
  // Back to tickets on their own page.
  await page.getByRole('link', { name: 'Open tickets on their own page', exact: true }).click();
  await page.getByRole('link', { name: subject, exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  expect(new URL(page.url()).pathname).toMatch(/^\/agent\/tickets\/\d+$/);
});

test('admin forms: checkboxes beside their labels, readable capacities, an indented tree, users that fit', async ({ page }) => {
  test.setTimeout(90_000);
  const admin = adminCredentials();
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, admin.email, admin.password, '/agent');

  await goto(page, '/admin/sla');
  const box = await page.getByLabel('Pending (waiting on the customer)').first().boundingBox();
  const label = await page.getByText('Pending (waiting on the customer)', { exact: true }).first().boundingBox();
  expect(box && label).toBeTruthy();
  if (box && label) {
    expect(label.x, 'the label is to the right of its box').toBeGreaterThan(box.x + box.width - 1);
    expect(Math.abs(label.y + label.height / 2 - (box.y + box.height / 2)), 'on the same line').toBeLessThan(12);
  }

  // A group with a member: the capacity box shows four digits.
  const name = `Cap ${Math.random().toString(36).slice(2, 8)}`;
  await goto(page, '/admin/groups');
  await page.getByLabel('Group name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create group', exact: true }).click();
  await expect(heading(page, name)).toBeVisible();
  const card = page.locator('section', { has: heading(page, name) }).first();
  const capacity = card.getByLabel('Capacity', { exact: true }).first();
  await expect(capacity).toBeVisible();
  expect((await capacity.boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(80);

  // A child category sits indented under its parent.
  const parent = `Parent ${Math.random().toString(36).slice(2, 8)}`;
  const child = `Child ${Math.random().toString(36).slice(2, 8)}`;
  await goto(page, '/admin/categories');
  const form = page.getByRole('form', { name: 'New category' });
  await form.getByLabel('Category name', { exact: true }).fill(parent);
  await form.getByRole('button', { name: 'Create category', exact: true }).click();
  await expect(page.getByRole('cell', { name: parent, exact: true })).toBeVisible();
  await form.getByLabel('Category name', { exact: true }).fill(child);
  await form.getByLabel('Parent category', { exact: true }).selectOption({ label: parent });
  await form.getByRole('button', { name: 'Create category', exact: true }).click();
  const childCell = page.getByRole('cell', { name: child });
  await expect(childCell).toBeVisible();
  const parentText = await page.getByRole('cell', { name: parent, exact: true }).evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect().x;
  });
  const childText = await childCell.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect().x;
  });
  expect(childText - parentText, 'indented under its parent').toBeGreaterThan(10);

  // The users table fits a 1366 px screen.
  await goto(page, '/admin');
  const wrap = page.locator('.table-wrap').first();
  const fits = await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
  expect(fits, 'the users table needs no sideways scrolling').toBe(true);
});
