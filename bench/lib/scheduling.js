// The scheduling scenarios' client: submits runs to a running gateway, follows their status until
// they end, and prints what a user waits: queue wait = started_at - created_at from the run's own
// status (the gateway's view of the worker's `running` record or outcome). Node 18+, no packages.
//   node bench/lib/scheduling.js <scenario> <base url>
// Scenarios: head-of-line, beyond-partitions, noisy-neighbour, a-alone, priority.
// WAIT_FROM=webhook follows runs by their webhooks instead of the status route, so the same
// scenario runs against a system without one (../shared/bench's BullMQ peer): its queue wait is
// then started (finished_at - slept_ms of the peer's payload; started_at of ours) - the send.
'use strict';
const http = require('node:http');
const [scenario, base] = process.argv.slice(2);
const KEYS = { pa: 'bench-key-a', pb: 'bench-key-b' };
const APP = 'webhook-delay-example';
const BY_WEBHOOK = process.env.WAIT_FROM === 'webhook';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const arrived = new Map(); // run_id -> webhook payload
let receiverUrl;
function startReceiver() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString());
        if (payload.run_id && !arrived.has(payload.run_id)) arrived.set(payload.run_id, payload);
      } catch (e) {
        // not a result: ignored
      }
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      receiverUrl = `http://127.0.0.1:${server.address().port}/hook`;
      server.unref();
      resolve();
    }));
}

async function submit(project, seconds, extra = {}) {
  const sentAt = Date.now();
  const hook = BY_WEBHOOK ? { webhook_endpoint: receiverUrl } : {};
  // with a webhook the answer is at once anyway; the peer knows no query string
  const query = BY_WEBHOOK ? '' : '?async=true';
  const res = await fetch(`${base}/v3/${project}/${APP}/predict${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: KEYS[project] },
    body: JSON.stringify({ delayMins: seconds / 60, ...hook, ...extra }),
  });
  const body = await res.json();
  if (res.status !== 202) throw new Error(`predict answered ${res.status}: ${JSON.stringify(body)}`);
  return { project, runId: body.run_id, sentAt };
}

/** The run's end as its webhook tells it, or null while none has arrived. */
function fromWebhook(run) {
  const p = arrived.get(run.runId);
  if (!p) return null;
  const finished = Date.parse(p.completed_at || p.finished_at);
  const started = p.started_at
    ? Date.parse(p.started_at)
    : finished - ((p.result && p.result.slept_ms) || 0);
  return { status: p.status, waitMs: started - run.sentAt, doneAt: finished };
}

async function status(run) {
  const res = await fetch(`${base}/v3/${run.project}/${APP}/runs/${run.runId}`, {
    headers: { Authorization: KEYS[run.project] },
  });
  return res.json();
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'expired']);
async function settle(runs, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const open = new Set(runs);
  while (open.size && Date.now() < deadline) {
    for (const run of [...open]) {
      if (BY_WEBHOOK) {
        const end = fromWebhook(run);
        if (end) {
          Object.assign(run, end);
          open.delete(run);
        }
        continue;
      }
      const s = await status(run);
      if (FINAL.has(s.status)) {
        run.status = s.status;
        run.waitMs = Date.parse(s.started_at) - Date.parse(s.created_at);
        run.doneAt = Date.parse(s.completed_at);
        open.delete(run);
      }
    }
    if (open.size) await sleep(500);
  }
  if (open.size) throw new Error(`${open.size} runs did not end within ${timeoutMs / 1000} s`);
  return runs;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const secs = (ms) => (ms / 1000).toFixed(1);
const waits = (runs) => runs.map((r) => r.waitMs);
const line = (label, runs) =>
  `${label}: ${runs.length} runs, queue wait p50 ${secs(pct(waits(runs), 50))} s, ` +
  `p99 ${secs(pct(waits(runs), 99))} s, max ${secs(Math.max(...waits(runs)))} s`;

async function backlogOfA(n, seconds) {
  const runs = [];
  for (let i = 0; i < n; i += 50) {
    runs.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => submit('pa', seconds)))));
  }
  return runs;
}

const scenarios = {
  // One 60 s run, then 16 runs of 0 s two seconds later: how many wait more than 2 s?
  async 'head-of-line'() {
    const long = await submit('pa', 60);
    await sleep(2000);
    const shorts = await Promise.all(Array.from({ length: 16 }, () => submit('pa', 0)));
    await settle(shorts, 180_000);
    const late = shorts.filter((r) => r.waitMs > 2000).length;
    console.log(line('short runs behind one long run', shorts));
    console.log(`RESULT head-of-line: ${late} of 16 short runs waited more than 2 s`);
    await settle([long], 120_000);
  },
  // 12 runs of 10 s submitted together: how long until all are done?
  async 'beyond-partitions'() {
    const t0 = Date.now();
    const runs = await Promise.all(Array.from({ length: 12 }, () => submit('pa', 10)));
    await settle(runs, 300_000);
    const makespan = Math.max(...runs.map((r) => r.doneAt)) - t0;
    console.log(line('12 runs of 10 s', runs));
    console.log(`RESULT beyond-partitions: all 12 done ${secs(makespan)} s after the first send`);
  },
  // A queues 400 runs of 2 s, then B sends one 2 s run per second for 30 s.
  async 'noisy-neighbour'() {
    const t0 = Date.now();
    const a = await backlogOfA(400, 2);
    const b = [];
    for (let i = 0; i < 30; i++) {
      b.push(await submit('pb', 2));
      await sleep(1000);
    }
    await settle(b, 600_000);
    await settle(a, 600_000);
    const aSpan = Math.max(...a.map((r) => r.doneAt)) - t0;
    console.log(line("B's runs", b));
    console.log(line("A's runs", a));
    console.log(`RESULT noisy-neighbour: B queue wait p99 ${secs(pct(waits(b), 99))} s; A ${(400 / (aSpan / 1000)).toFixed(2)} runs/s`);
  },
  // The same backlog of A without B: A's runs/s to compare with the line above.
  async 'a-alone'() {
    const t0 = Date.now();
    const a = await backlogOfA(400, 2);
    await settle(a, 600_000);
    const aSpan = Math.max(...a.map((r) => r.doneAt)) - t0;
    console.log(`RESULT a-alone: A ${(400 / (aSpan / 1000)).toFixed(2)} runs/s`);
  },
  // Behind a 100 s backlog of normal runs, one run asks for "priority": "high".
  async priority() {
    await backlogOfA(400, 2);
    await sleep(2000);
    const high = await submit('pa', 0, { priority: 'high' });
    await settle([high], 600_000);
    console.log(`RESULT priority: the high run waited ${secs(high.waitMs)} s`);
  },
};

if (!scenarios[scenario]) {
  console.error(`unknown scenario '${scenario}'; one of: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
(BY_WEBHOOK ? startReceiver() : Promise.resolve()).then(() => scenarios[scenario]()).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
