// pow.js — the proof of work of a public report, on the page's side: ask
// the server for a challenge, let pow-worker.js count in the background,
// and report progress so the page can say calmly what it is doing.

import * as rapi from './api-report.js';

/** prove fetches a challenge and finds its nonce. onProgress(p) gets a
 * fraction 0…1 (the chance the search would be over by now, so it never
 * jumps back). Answers {challenge, nonce, expires_at, difficulty, ms}. */
export async function prove(onProgress = () => {}) {
  const c = await rapi.challenge();
  const bits = Number(c.difficulty) || 0;
  const expected = 2 ** bits;
  const t0 = performance.now();
  const r = await search(c.challenge, bits, (tries) => onProgress(1 - Math.exp(-tries / expected)));
  onProgress(1);
  return { challenge: c.challenge, nonce: r.nonce, expires_at: c.expires_at, difficulty: bits, ms: performance.now() - t0 };
}

function search(challenge, difficulty, onTries) {
  let worker;
  try {
    worker = new Worker('/static/js/pow-worker.js', { type: 'module' });
  } catch {
    // No module workers (a very old browser): count on the page itself.
    return import('./pow-worker.js').then((m) => m.solve(challenge, difficulty, 0, onTries));
  }
  return new Promise((resolve, reject) => {
    worker.onmessage = (ev) => {
      if (ev.data.progress) { onTries(ev.data.progress); return; }
      worker.terminate();
      resolve(ev.data);
    };
    worker.onerror = (ev) => {
      worker.terminate();
      ev.preventDefault?.();
      import('./pow-worker.js').then((m) => resolve(m.solve(challenge, difficulty, 0, onTries)), reject);
    };
    worker.postMessage({ challenge, difficulty });
  });
}

/** stillValid says whether a kept proof can be sent again: the server
 * keeps a challenge 10 minutes; a minute is left for the journey. */
export const stillValid = (pow) => Boolean(pow && pow.nonce !== undefined && Date.parse(pow.expires_at) - Date.now() > 60_000);
