// A tiny mail sink for the end-to-end tests.
//
// SMTP (no auth, no TLS) on 127.0.0.1:$SINK_SMTP_PORT (default 2525): every
// message is parsed and kept in memory.
// HTTP on 127.0.0.1:$SINK_HTTP_PORT (default 2580):
//   GET /messages?to=<addr>  -> JSON array of messages for that recipient, newest last
//   GET /messages            -> all messages
//   GET /healthz             -> 200 "ok"
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const HOST = '127.0.0.1';
const SMTP_PORT = Number(process.env.SINK_SMTP_PORT ?? 2525);
const HTTP_PORT = Number(process.env.SINK_HTTP_PORT ?? 2580);

/** @type {{to: string[], from: string, subject: string, text: string, html: string | null, receivedAt: string}[]} */
const messages = [];

function headerAddresses(field) {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value ?? []).map((v) => v.address ?? '').filter(Boolean);
}

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const envelope = session.envelope.rcptTo.map((r) => r.address);
        const to = [...new Set([...envelope, ...headerAddresses(mail.to), ...headerAddresses(mail.cc)]
          .map((a) => a.toLowerCase()))];
        messages.push({
          to,
          from: mail.from?.text ?? session.envelope.mailFrom?.address ?? '',
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : null,
          receivedAt: new Date().toISOString(),
        });
        callback();
      })
      .catch((err) => callback(err));
  },
});
smtp.on('error', (err) => console.error('smtp-sink: smtp error:', err.message));

const web = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  if (req.method === 'GET' && url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method === 'GET' && url.pathname === '/messages') {
    const to = url.searchParams.get('to')?.trim().toLowerCase();
    const found = to ? messages.filter((m) => m.to.includes(to)) : messages;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
});

const listen = (server, port) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });

try {
  await Promise.all([listen(smtp.server, SMTP_PORT), listen(web, HTTP_PORT)]);
} catch (err) {
  console.error(`smtp-sink: cannot listen: ${err.message}`);
  process.exit(1);
}
console.log(`smtp-sink: SMTP on ${HOST}:${SMTP_PORT}, HTTP on http://${HOST}:${HTTP_PORT}`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  web.closeAllConnections?.();
  Promise.all([
    new Promise((resolve) => smtp.close(resolve)),
    new Promise((resolve) => web.close(resolve)),
  ]).then(() => process.exit(0));
  // Do not hang on a lingering SMTP client.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
