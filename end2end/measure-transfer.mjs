// Bytes a browser transfers for a first and a second visit of the portal
// and of the agent queue (same browser, so the second visit has a warm
// cache), as Chromium's network layer counts them (compressed, with
// headers). Run it against a release build:
//   BASE=http://127.0.0.1:3000 EMAIL=… PASSWORD=… node end2end/measure-transfer.mjs
import { chromium } from 'playwright-core';

const base = process.env.BASE ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext();
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
let bytes = 0;
let requests = 0;
cdp.on('Network.loadingFinished', (event) => {
  bytes += event.encodedDataLength;
  requests += 1;
});

async function visit(path) {
  bytes = 0;
  requests = 0;
  await page.goto(base + path, { waitUntil: 'networkidle' });
  return { bytes, requests };
}

const rows = [];
const measure = async (label, path) => {
  const first = await visit(path);
  const second = await visit(path);
  rows.push({ page: label, first_kB: (first.bytes / 1024).toFixed(1), first_requests: first.requests,
    second_kB: (second.bytes / 1024).toFixed(1), second_requests: second.requests });
};

await measure('portal (/portal)', '/portal');
if (process.env.EMAIL && process.env.PASSWORD) {
  await page.goto(base + '/portal/sign-in', { waitUntil: 'networkidle' });
  await page.getByLabel('Email', { exact: true }).fill(process.env.EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(process.env.PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/agent');
  // A fresh cache for the agent's first visit.
  await cdp.send('Network.clearBrowserCache');
  await measure('agent queue (/agent)', '/agent');
}
console.table(rows);
await browser.close();
