// Waits for the app and the mail sink, which the runner script starts itself.
const TIMEOUT_MS = 120_000;

async function waitForHealthy(url: string, deadline: number): Promise<void> {
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer 200 within ${TIMEOUT_MS / 1000} s (last: ${last})`);
}

export default async function globalSetup(): Promise<void> {
  const baseURL = (process.env.BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const sinkURL = (process.env.SINK_URL ?? 'http://127.0.0.1:2580').replace(/\/+$/, '');
  const deadline = Date.now() + TIMEOUT_MS;
  await Promise.all([
    waitForHealthy(`${baseURL}/healthz`, deadline),
    waitForHealthy(`${sinkURL}/healthz`, deadline),
  ]);
}
