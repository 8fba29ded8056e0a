import { html, useEffect, useRef, useState } from './html.js';

/** Longest wait between retries of a failing endpoint. */
export const MAX_BACKOFF_MS = 10_000;

/**
 * Runs `load` now and every `intervalMs` (and whenever `kick` changes). After a failure it
 * retries with doubling back-off up to MAX_BACKOFF_MS; only one load is in flight at a time.
 * @template T
 * @param {() => Promise<T>} load @param {number} intervalMs @param {unknown} [kick]
 */
export function usePoll(load, intervalMs, kick) {
  const [state, setState] = useState({ data: null, error: null, failures: 0, retryInMs: 0 });
  const busy = useRef(false);
  const timer = useRef(0);
  const failures = useRef(0);
  const alive = useRef(true);
  const run = async () => {
    if (busy.current || !alive.current) return;
    busy.current = true;
    clearTimeout(timer.current);
    let next = intervalMs;
    try {
      const data = await load();
      failures.current = 0;
      if (alive.current) setState({ data, error: null, failures: 0, retryInMs: 0 });
    } catch (e) {
      failures.current++;
      next = Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** (failures.current - 1));
      if (alive.current) {
        setState((s) => ({ ...s, error: e, failures: failures.current, retryInMs: next }));
      }
    } finally {
      busy.current = false;
      if (alive.current) timer.current = setTimeout(run, next);
    }
  };
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
    };
  }, []);
  useEffect(() => {
    void run();
  }, [kick]);
  return state;
}

const TITLES = {
  unreachable: 'Endpoint unreachable',
  rpc: 'The service answered with an error',
  malformed: 'Malformed answer',
  unconfigured: 'Not configured',
};

/** The one error banner every view uses: what failed, why, and when the next try is. */
export function Failure({ error, failures, retryInMs }) {
  if (!error) return null;
  const kind = error.kind ?? 'malformed';
  const title = TITLES[kind] ?? 'Error';
  const retry =
    kind === 'unconfigured'
      ? ''
      : ` Retrying in ${Math.round(retryInMs / 1000)} s (failed ${failures}×).`;
  return html`<div class="failure" role="alert" data-kind=${kind}>
    <strong>${title}:</strong> ${String(error.message)}${retry}
  </div>`;
}

/** A labelled number ("stat" tile) with a stable id for tests. */
export function Stat({ id, label, value }) {
  return html`<div class="stat">
    <span class="stat-label" id=${`${id}-label`}>${label}</span>
    <output class="stat-value" id=${id} aria-labelledby=${`${id}-label`}>${value ?? '—'}</output>
  </div>`;
}

/** Shortens a hex hash for display; the full value stays in the title attribute. */
export function short(hex) {
  const s = String(hex ?? '');
  return s.length > 20 ? `${s.slice(0, 10)}…${s.slice(-8)}` : s;
}

export function fmtBytes(n) {
  if (typeof n !== 'number') return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
