import {
  adminCredentials, expect, expectUrl, goto, heading, signIn, signOut, signUp, test, uniqueEmail, uniquePassword,
  linkFrom, waitForMail,
} from './support';

test('a customer raises a ticket with an attachment, an agent claims and replies, the customer reads it and closes the ticket', async ({ page }) => {
  const email = uniqueEmail('ticket');
  const password = uniquePassword();
  const subject = `Printer jam ${Math.random().toString(36).slice(2, 8)}`;
  const reply = `Cleared the tray for ${subject}.`;

  await signUp(page, 'Tess Customer', email, password);
  await goto(page, '/portal/tickets/new');
  await expect(heading(page, 'Raise a request')).toBeVisible();
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('The printer on **floor 2** is jammed.');
  await page.getByLabel('Urgency', { exact: true }).selectOption({ label: 'High' });
  await page.getByLabel('Attach files (optional)', { exact: true }).setInputFiles({
    name: 'jam-photo.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('paper stuck in tray 2'),
  });
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  const id = new URL(page.url()).pathname.split('/').pop();
  expect(id).toMatch(/^\d+$/);
  await expect(page.getByText('floor 2', { exact: true })).toBeVisible();
  await expect(page.getByText('Waiting for an agent')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Attached files' }).getByRole('link', { name: 'jam-photo.txt' })).toBeVisible();
  // One upload control: files travel with a reply.
  await expect(page.locator('input[type=file]')).toHaveCount(1);
  await page.getByLabel('Your reply', { exact: true }).fill('The serial number is attached.');
  await page.getByLabel('Attach files (optional)', { exact: true }).setInputFiles({
    name: 'serial-number.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('SN 4711'),
  });
  await page.getByRole('button', { name: 'Send reply', exact: true }).click();
  await expect(page.getByRole('link', { name: 'serial-number.txt', exact: true })).toHaveCount(1);
  await waitForMail(email, `[#${id}] We received your request`);
  await signOut(page);

  const admin = adminCredentials();
  await signIn(page, admin.email, admin.password, '/agent');
  await goto(page, '/agent?view=unassigned');
  await page.getByRole('link', { name: subject, exact: true }).click();
  await expectUrl(page, `/agent/tickets/${id}`);
  await expect(heading(page, subject)).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('list', { name: 'Attached files' }).getByRole('link', { name: 'jam-photo.txt' }).click();
  expect((await download).suggestedFilename()).toBe('jam-photo.txt');
  await page.getByRole('button', { name: 'Claim', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Claim', exact: true })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Assignee' }).getByText('E2E Admin', { exact: true })).toBeVisible();
  await page.getByLabel('Message', { exact: true }).fill(reply);
  await page.getByLabel('Attach files (optional)', { exact: true }).setInputFiles({
    name: 'tray-guide.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Open tray 2, pull gently.'),
  });
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByText(reply, { exact: true })).toBeVisible();
  await waitForMail(email, `[#${id}] New reply`);
  await signOut(page);

  await signIn(page, email, password);
  await goto(page, `/portal/tickets/${id}`);
  await expect(page.getByText(reply, { exact: true })).toBeVisible();
  const replyMessage = page.getByRole('listitem').filter({ hasText: reply });
  await expect(replyMessage.getByRole('link', { name: 'tray-guide.txt' })).toBeVisible();
  await page.getByRole('button', { name: 'Close ticket', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Reopen ticket', exact: true })).toBeVisible();
  await expect(page.getByText('Closed', { exact: true })).toBeVisible();
});

test("another customer's ticket is not found", async ({ page }) => {
  const owner = uniqueEmail('owner');
  const password = uniquePassword();
  const subject = `Private ${Math.random().toString(36).slice(2, 8)}`;
  await signUp(page, 'Olive Owner', owner, password);
  await goto(page, '/portal/tickets/new');
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('Only for me.');
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  const path = new URL(page.url()).pathname;
  await signOut(page);

  await signUp(page, 'Nosy Neighbour', uniqueEmail('nosy'), uniquePassword());
  await goto(page, path);
  await expect(heading(page, 'Ticket not found')).toBeVisible();
  await expect(page.getByText(subject)).toHaveCount(0);
});

test('agents move through a queue with j/k and Enter, and start a note with n', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'js-off', 'keyboard shortcuts need JavaScript');
  const subject = `Keyboard ${Math.random().toString(36).slice(2, 8)}`;
  await signUp(page, 'Kim Keys', uniqueEmail('keys'), uniquePassword());
  await goto(page, '/portal/tickets/new');
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('Shortcut test.');
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  await signOut(page);

  const admin = adminCredentials();
  await signIn(page, admin.email, admin.password, '/agent');
  await goto(page, `/agent?view=recent&q=${encodeURIComponent(subject)}`);
  await expect(page.getByRole('link', { name: subject, exact: true })).toBeVisible();
  await page.keyboard.press('j');
  await expect(page.getByRole('row', { selected: true })).toContainText(subject);
  await page.keyboard.press('Enter');
  await expect(heading(page, subject)).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByLabel('Internal note (never shown to the customer)')).toBeChecked();
  await expect(page.getByLabel('Message', { exact: true })).toBeFocused();
});

test('someone without an account raises a ticket and follows it through the emailed link', async ({ page }) => {
  const email = uniqueEmail('guest');
  const subject = `No account ${Math.random().toString(36).slice(2, 8)}`;
  await goto(page, '/portal/tickets/new');
  await page.getByLabel('Your email', { exact: true }).fill(email);
  await page.getByLabel('Your name', { exact: true }).fill('Gina Guest');
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('The door badge does not open floor 3.');
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(page, 'Check your email')).toBeVisible();

  const mail = await waitForMail(email, 'We received your request');
  await goto(page, new URL(linkFrom(mail, '/follow/')).pathname);
  await expect(heading(page, subject)).toBeVisible();
  await page.getByLabel('Your reply', { exact: true }).fill('It is badge 2231.');
  await page.getByRole('button', { name: 'Send reply', exact: true }).click();
  await expect(page.getByText('It is badge 2231.', { exact: true })).toBeVisible();
});

test('an admin deletes a spam ticket after confirming, and it is gone from the queues', async ({ page }) => {
  const subject = `Win a prize ${Math.random().toString(36).slice(2, 8)}`;
  await signUp(page, 'Spam Sender', uniqueEmail('spam'), uniquePassword());
  await goto(page, '/portal/tickets/new');
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('Click here.');
  await page.getByRole('button', { name: 'Submit request', exact: true }).click();
  await expect(heading(page, subject)).toBeVisible();
  const id = new URL(page.url()).pathname.split('/').pop();
  await signOut(page);

  const admin = adminCredentials();
  await signIn(page, admin.email, admin.password, '/agent');
  await goto(page, `/agent/tickets/${id}`);
  const panel = page.getByRole('region', { name: 'Delete ticket' });
  // Nothing is deleted by the first click: it only opens the second step.
  await panel.getByText('Delete ticket…', { exact: true }).click();
  await panel.getByRole('button', { name: 'Delete for good', exact: true }).click();
  await expectUrl(page, "/agent", { deleted: id ?? "" });
  await expect(page.getByText(`Ticket #${id} was deleted.`, { exact: true })).toBeVisible();
  await goto(page, '/agent?view=all_open');
  await expect(page.getByRole('link', { name: subject, exact: true })).toHaveCount(0);
  const gone = await page.goto(`/agent/tickets/${id}`);
  expect(gone?.status()).toBe(404);
});
