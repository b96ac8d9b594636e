import {
  alertMessage, expect, expectUrl, goto, heading, signIn, signOut, signUp,
  skipBrowserValidation, submitSignIn, test, uniqueEmail, uniquePassword, waitForMail,
} from './support';

test('sign up, sign out and sign in again', async ({ page }) => {
  const name = 'Ada Customer';
  const email = uniqueEmail('auth');
  const password = uniquePassword();

  await goto(page, '/');
  await expect(page.getByRole('link', { name: 'Ferrodesk', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Create account', exact: true }).click();
  await expectUrl(page, '/portal/sign-up');

  await signUp(page, name, email, password);
  await expect(page.getByRole('link', { name: 'Profile', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in', exact: true })).toHaveCount(0);

  await signOut(page);
  await expect(page.getByRole('link', { name: 'Create account', exact: true })).toBeVisible();

  await signIn(page, email, password);
  await expect(heading(page, `Welcome, ${name}`)).toBeVisible();
});

test.describe('sign-up errors', () => {
  async function fillSignUp(page: import('@playwright/test').Page, email: string, password: string) {
    await goto(page, '/portal/sign-up');
    await page.getByLabel('Name', { exact: true }).fill('Eve Example');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await skipBrowserValidation(page);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
  }

  test('malformed email shows the field error', async ({ page }) => {
    await fillSignUp(page, 'not-an-email', uniquePassword());
    await expect(page.getByText('Enter a valid email address, like name@example.com.')).toBeVisible();
    await expect(heading(page, 'Create your account')).toBeVisible();
  });

  test('short password shows the field error', async ({ page }) => {
    await fillSignUp(page, uniqueEmail('short'), 'abc123');
    await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
    await expect(heading(page, 'Create your account')).toBeVisible();
  });

  test('a taken email is answered like a new one and its owner is told', async ({ page }) => {
    const email = uniqueEmail('taken');
    await signUp(page, 'First Owner', email, uniquePassword());
    await signOut(page);
    await fillSignUp(page, email, uniquePassword());
    await expectUrl(page, '/portal/sign-up', { sent: '1' });
    await expect(heading(page, 'Check your email')).toBeVisible();
    const told = await waitForMail(email, 'Someone tried to sign up with your address');
    expect(told.text).toContain('/portal/reset');
  });

  test('a common password or one made of the name is refused with the reason', async ({ page }) => {
    await fillSignUp(page, uniqueEmail('common'), 'password123');
    await expect(page.getByText('This is one of the most common passwords')).toBeVisible();
    await fillSignUp(page, uniqueEmail('named'), 'eve-example-2026');
    await expect(page.getByText('Choose a password that does not contain your name or email address.')).toBeVisible();
    await expect(heading(page, 'Create your account')).toBeVisible();
  });
});

test('wrong password on sign-in shows the generic error', async ({ page }) => {
  const email = uniqueEmail('wrongpw');
  await signUp(page, 'Wes Wrong', email, uniquePassword());
  await signOut(page);

  await submitSignIn(page, email, 'definitely-not-it');
  await expect(alertMessage(page, 'Email or password is incorrect.')).toBeVisible();
  await expect(heading(page, 'Sign in')).toBeVisible();

  // An unknown address gets the very same message.
  await submitSignIn(page, uniqueEmail('nobody'), 'definitely-not-it');
  await expect(alertMessage(page, 'Email or password is incorrect.')).toBeVisible();
});
