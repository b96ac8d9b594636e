import {
  alertMessage, expect, expectUrl, goto, heading, linkFrom, signIn, signOut, signUp,
  statusMessage, submitSignIn, test, uniqueEmail, uniquePassword, waitForMail,
} from './support';

test('reset the password through the mailed link', async ({ page }) => {
  const name = 'Rita Reset';
  const email = uniqueEmail('reset');
  const oldPassword = uniquePassword();
  const newPassword = uniquePassword();

  await signUp(page, name, email, oldPassword);
  await signOut(page);

  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expectUrl(page, '/portal/reset');
  await expect(heading(page, 'Reset your password')).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
  await expectUrl(page, '/portal/reset', { sent: '1' });
  await expect(
    statusMessage(page, 'If an account exists for that address, a reset link is on its way.'),
  ).toBeVisible();

  const mail = await waitForMail(email, 'Reset your Ferrodesk password');
  const link = linkFrom(mail, '/portal/reset/confirm');
  expect(new URL(link).searchParams.get('token')).toBeTruthy();

  await goto(page, link);
  await expect(heading(page, 'Choose a new password')).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Set new password', exact: true }).click();
  await expectUrl(page, '/portal/sign-in', { reset: '1' });
  await expect(
    statusMessage(page, 'Your password has been changed. Sign in with the new one.'),
  ).toBeVisible();

  await signIn(page, email, newPassword);
  await expect(heading(page, `Welcome, ${name}`)).toBeVisible();
  await signOut(page);

  // The link works once only.
  await goto(page, link);
  await expect(
    alertMessage(page, 'This reset link has expired or has already been used. Request a new one.'),
  ).toBeVisible();

  // The old password is gone.
  await submitSignIn(page, email, oldPassword);
  await expect(alertMessage(page, 'Email or password is incorrect.')).toBeVisible();
});

test('asking for a reset of an unknown address looks the same', async ({ page }) => {
  await goto(page, '/portal/reset');
  await page.getByLabel('Email', { exact: true }).fill(uniqueEmail('unknown'));
  await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
  await expectUrl(page, '/portal/reset', { sent: '1' });
  await expect(
    statusMessage(page, 'If an account exists for that address, a reset link is on its way.'),
  ).toBeVisible();
});
