import {
  alertMessage, expect, expectUrl, goto, heading, signIn, signOut, signUp,
  statusMessage, submitSignIn, test, uniqueEmail, uniquePassword,
} from './support';

test('edit the profile and change the password', async ({ page }) => {
  const email = uniqueEmail('profile');
  const oldPassword = uniquePassword();
  const newPassword = uniquePassword();
  await signUp(page, 'Pat Profile', email, oldPassword);

  await page.getByRole('link', { name: 'Profile', exact: true }).click();
  await expectUrl(page, '/portal/profile');
  await expect(heading(page, 'Your profile')).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill('Patricia Profile');
  await page.getByLabel('Timezone', { exact: true }).fill('Europe/Berlin');
  await page.getByRole('button', { name: 'Save profile', exact: true }).click();
  await expect(statusMessage(page, 'Profile saved.')).toBeVisible();

  // The changes are stored, not just shown.
  await goto(page, '/portal/profile');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Patricia Profile');
  await expect(page.getByLabel('Timezone', { exact: true })).toHaveValue('Europe/Berlin');

  await expect(heading(page, 'Change password')).toBeVisible();
  await page.getByLabel('Current password', { exact: true }).fill('not-my-password');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Change password', exact: true }).click();
  await expect(page.getByText('The current password is incorrect.')).toBeVisible();

  await page.getByLabel('Current password', { exact: true }).fill(oldPassword);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Change password', exact: true }).click();
  await expect(statusMessage(page, 'Password changed.')).toBeVisible();

  await signOut(page);
  await submitSignIn(page, email, oldPassword);
  await expect(alertMessage(page, 'Email or password is incorrect.')).toBeVisible();
  await signIn(page, email, newPassword);
  await expectUrl(page, '/portal');
  await expect(heading(page, 'Welcome, Patricia Profile')).toBeVisible();
});
