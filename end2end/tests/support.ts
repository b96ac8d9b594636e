// Shared helpers for the Ferrodesk end-to-end tests.
// Every spec imports `test` and `expect` from here, so that the console-error
// guard below runs for every test.
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';

export { expect };

const SINK_URL = (process.env.SINK_URL ?? 'http://127.0.0.1:2580').replace(/\/+$/, '');

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

export const test = base.extend<{ failOnBrowserErrors: void }>({
  // Fails the test on any uncaught page error, console error or console
  // warning (Leptos reports misuse, such as reading a resource outside
  // Suspense, as warnings). Allowed:
  // a failed favicon load, and the console line Chromium prints for a 4xx
  // answer the app gives on purpose: a page served as 401/403/404, or a
  // server function refusing bad input with 422/401/403/404/409/429 (the
  // test then asserts on the message shown). A 5xx always fails.
  failOnBrowserErrors: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      const refusedDocuments = new Set<string>();
      page.on('response', (response) => {
        const request = response.request();
        const status = response.status();
        const isServerFn = pathOf(response.url()).startsWith('/api/');
        if ((request.isNavigationRequest() || isServerFn) && status >= 400 && status < 500) {
          refusedDocuments.add(response.url());
        }
      });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        const kind = message.type();
        if (kind !== 'error' && kind !== 'warning') return;
        const text = message.text();
        if (kind === 'warning') {
          // Without JavaScript the preloaded bundle is, rightly, never used.
          const unusedPreload = text.includes('was preloaded using link preload but not used');
          if (!(unusedPreload && !jsEnabled(testInfo))) errors.push(`console warning: ${text}`);
          return;
        }
        const url = message.location().url ?? '';
        if (text.startsWith('Failed to load resource')) {
          if (/\/favicon[^/]*$/.test(pathOf(url))) return;
          if (refusedDocuments.has(url)) return;
        }
        errors.push(`console error: ${text}${url ? ` (${url})` : ''}`);
      });
      await use();
      expect(errors, 'the browser reported errors').toEqual([]);
    },
    { auto: true },
  ],
});

/** A fresh, unique address at example.test, e.g. `agent-lx3k9q-4f2a1c@example.test`. */
export function uniqueEmail(prefix: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${Date.now().toString(36)}-${random}@example.test`.toLowerCase();
}

/** A fresh password, long enough for the app's rules. */
export function uniquePassword(): string {
  return `pw-${Math.random().toString(36).slice(2, 10)}-Secret`;
}

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.name !== 'js-off';
}

export function adminCredentials(): { email: string; password: string } {
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!email || !password) throw new Error('E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD must be set');
  return { email, password };
}

/** Navigates, and with JS on waits until the WASM app has hydrated. */
export async function goto(page: Page, path: string): Promise<void> {
  await page.goto(path);
  if (jsEnabled(test.info())) {
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  }
}

/** Asserts the current path (and, if given, query parameters) of the page. */
export async function expectUrl(page: Page, path: string, params: Record<string, string> = {}): Promise<void> {
  await expect(page).toHaveURL(
    (url) => url.pathname === path && Object.entries(params).every(([k, v]) => url.searchParams.get(k) === v),
  );
}

export function heading(page: Page, name: string) {
  return page.getByRole('heading', { name, exact: true });
}

/** A success message (role status) with the given text. */
export function statusMessage(page: Page, text: string) {
  return page.getByRole('status').filter({ hasText: text });
}

/** An error message (role alert) with the given text. */
export function alertMessage(page: Page, text: string) {
  return page.getByRole('alert').filter({ hasText: text });
}

/**
 * Turns off the browser's own constraint validation (type="email", minlength,
 * required) so that invalid input reaches the app and its messages are tested.
 */
export async function skipBrowserValidation(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('form').forEach((form) => (form.noValidate = true)));
}

export async function signUp(page: Page, name: string, email: string, password: string): Promise<void> {
  await goto(page, '/portal/sign-up');
  await expect(heading(page, 'Create your account')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expectUrl(page, '/portal/sign-up', { sent: '1' });
  await expect(heading(page, 'Check your email')).toBeVisible();
  await confirmSignUp(page, email);
  await expect(heading(page, `Welcome, ${name}`)).toBeVisible();
}

/** Opens the newest sign-up confirmation mailed to `email` and finishes the account. */
export async function confirmSignUp(page: Page, email: string): Promise<void> {
  const mail = await waitForMail(email, 'Confirm your Ferrodesk account');
  await goto(page, linkFrom(mail, '/portal/sign-up/confirm'));
  await expect(heading(page, 'Finish creating your account')).toBeVisible();
  await page.getByRole('button', { name: 'Create my account', exact: true }).click();
  await expectUrl(page, '/portal');
}

/** Fills and submits the sign-in form; the caller asserts the outcome. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await goto(page, '/portal/sign-in');
  await expect(heading(page, 'Sign in')).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in and checks the landing page: `/portal` for customers, `/agent` for agents and admins. */
export async function signIn(page: Page, email: string, password: string, landing = '/portal'): Promise<void> {
  await submitSignIn(page, email, password);
  await expectUrl(page, landing);
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expectUrl(page, '/portal/sign-in');
  await expect(heading(page, 'Sign in')).toBeVisible();
}

export interface Mail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
}

/** Polls the mail sink until a message to `to` whose subject contains `subjectIncludes` arrives; returns the newest. */
export async function waitForMail(to: string, subjectIncludes: string, timeoutMs = 20_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${SINK_URL}/messages?to=${encodeURIComponent(to.toLowerCase())}`);
    if (!res.ok) throw new Error(`mail sink answered HTTP ${res.status}`);
    const matching = ((await res.json()) as Mail[]).filter((m) => m.subject.includes(subjectIncludes));
    if (matching.length > 0) return matching[matching.length - 1];
    if (Date.now() > deadline) {
      throw new Error(`no mail to ${to} with subject containing "${subjectIncludes}" within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The first URL in the mail's text body whose path starts with `pathPrefix`. */
export function linkFrom(mail: Mail, pathPrefix: string): string {
  for (const match of mail.text.matchAll(/https?:\/\/[^\s<>"'\])]+/g)) {
    const candidate = match[0].replace(/[.,;:!?]+$/, '');
    if (new URL(candidate).pathname.startsWith(pathPrefix)) return candidate;
  }
  throw new Error(`no link to ${pathPrefix} in mail "${mail.subject}":\n${mail.text}`);
}
