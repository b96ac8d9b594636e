import {
  adminCredentials, expect, goto, heading, jsEnabled, signIn, signUp, test, uniqueEmail, uniquePassword,
} from './support';

test('a one-minute first response nobody gives is breached and the ticket moves to the escalation group', async ({ page, browser }, testInfo) => {
  // A real minute passes while nobody answers.
  test.setTimeout(180_000);
  const suffix = Math.random().toString(36).slice(2, 8);
  const group = `Escalations ${suffix}`;
  const policy = `One minute ${suffix}`;
  const matrix = `Reassign ${suffix}`;
  const category = `Urgent ${suffix}`;
  const subject = `Nobody answers ${suffix}`;
  const admin = adminCredentials();

  await signIn(page, admin.email, admin.password, '/agent');
  await goto(page, '/admin/groups');
  await page.getByLabel('Group name', { exact: true }).fill(group);
  await page.getByRole('button', { name: 'Create group', exact: true }).click();
  await expect(page.getByRole('region', { name: group, exact: true })).toBeVisible();

  await goto(page, '/admin/sla');
  const newPolicy = page.getByRole('region', { name: 'New SLA policy' });
  await newPolicy.getByLabel('Policy name', { exact: true }).fill(policy);
  await newPolicy.getByLabel('First response target for Normal', { exact: true }).fill('1m');
  await newPolicy.getByLabel('First response counted in', { exact: true }).selectOption({ label: 'Calendar time' });
  await newPolicy.getByRole('button', { name: 'Create policy', exact: true }).click();
  const saved = page.getByRole('region', { name: policy, exact: true });
  await expect(saved).toBeVisible();
  await expect(saved.getByRole('row', { name: /Normal/ }).getByText('1m calendar')).toBeVisible();

  // A refused level names the problem and changes nothing.
  await goto(page, '/admin/escalations');
  const newMatrix = page.getByRole('region', { name: 'New escalation matrix' });
  await newMatrix.getByLabel('Matrix name', { exact: true }).fill(matrix);
  await newMatrix.getByRole('button', { name: 'Create matrix', exact: true }).click();
  const card = page.getByRole('region', { name: matrix, exact: true });
  await expect(card.getByText('No levels yet.')).toBeVisible();
  await card.getByText(`Add a level to ${matrix}`, { exact: true }).click();
  await card.getByLabel('Minutes from the due time', { exact: true }).fill('soon');
  await card.getByRole('button', { name: 'Add level', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Enter whole minutes from the due time' })).toBeVisible();
  await goto(page, '/admin/escalations');
  await expect(card.getByText('No levels yet.')).toBeVisible();

  await card.getByText(`Add a level to ${matrix}`, { exact: true }).click();
  await card.getByLabel('Priority', { exact: true }).selectOption({ label: 'Normal' });
  await card.getByLabel('Metric', { exact: true }).selectOption({ label: 'First response' });
  await card.getByLabel('Minutes from the due time', { exact: true }).fill('0');
  await card.getByLabel('Reassign to group', { exact: true }).selectOption({ label: group });
  await card.getByRole('button', { name: 'Add level', exact: true }).click();
  const level = card.getByRole('row', { name: /at the due time/ });
  await expect(level.getByText(`reassign to ${group}`)).toBeVisible();

  await goto(page, '/admin/categories');
  const form = page.getByRole('region', { name: 'New category' });
  await form.getByLabel('Category name', { exact: true }).fill(category);
  await form.getByLabel('SLA policy', { exact: true }).selectOption({ label: policy });
  await form.getByLabel('Escalation matrix', { exact: true }).selectOption({ label: matrix });
  await form.getByRole('button', { name: 'Create category', exact: true }).click();
  await expect(page.getByRole('row', { name: new RegExp(category) }).getByRole('cell', { name: policy, exact: true })).toBeVisible();

  // The customer raises a ticket and sees what was promised.
  const customerContext = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const customer = await customerContext.newPage();
  await signUp(customer, 'Sam Customer', uniqueEmail('sla'), uniquePassword());
  await goto(customer, '/portal/tickets/new');
  await customer.getByLabel('Category', { exact: true }).selectOption({ label: category });
  await customer.getByLabel('Subject', { exact: true }).fill(subject);
  await customer.getByLabel('Description', { exact: true }).fill('Is anyone there?');
  await customer.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(customer, subject)).toBeVisible();
  const promised = customer.getByRole('region', { name: 'What we promised' });
  await expect(promised.getByRole('row', { name: /First response/ }).getByText('RUNNING')).toBeVisible();
  const id = new URL(customer.url()).pathname.split('/').pop();
  await customerContext.close();

  // Nobody answers. After the minute the ticket has breached and waits in
  // the escalation group.
  await goto(page, `/agent/tickets/${id}`);
  const clocks = page.getByRole('region', { name: 'Service level' });
  await expect(clocks.getByRole('row', { name: /First response/ })).toBeVisible();
  await expect(async () => {
    await goto(page, `/agent/tickets/${id}`);
    await expect(clocks.getByRole('row', { name: /First response/ }).getByText('BREACHED')).toBeVisible({ timeout: 1_000 });
    await expect(page.getByText(`An escalation moved the ticket to the ${group} group`)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 120_000, intervals: [2_000] });
  await expect(page.getByText('First response breached')).toBeVisible();

  // The breaching-soon queue lists tickets due within its window or, like
  // this one, already breached, and says so.
  await goto(page, '/agent?view=breaching');
  await expect(heading(page, 'Breaching soon')).toBeVisible();
  await expect(page.getByRole('link', { name: subject, exact: true })).toBeVisible();
  await expect(page.getByLabel('Order', { exact: true })).toContainText('Due within 2 hours or breached, soonest first');
});
