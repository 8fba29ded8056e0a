// Small SVG charts shared by the views: bars (finality times, fee-rate histogram) and lines
// (hashrate per miner). Each chart is an image with a text label that says what it shows, so
// a screen reader gets the numbers the picture carries.
import { html } from './html.js';

const W = 600;
const H = 150;

/**
 * Vertical bars. `bars` = [{ value, key, title }]: `key` becomes the bar's `data-key`,
 * `title` its tooltip. `attrs` are extra data-* attributes for the <svg>.
 */
export function BarChart({ id, bars, label, caption, axis, attrs = {} }) {
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const bw = bars.length ? W / bars.length : W;
  return html`<figure class="chart">
    <svg id=${id} viewBox=${`0 0 ${W} ${H + 20}`} role="img" aria-label=${label}
      data-bars=${bars.length} ...${attrs}>
      <title>${label}</title>
      ${bars.map(
        (b, i) => html`<rect class="bar" x=${i * bw + 1} width=${Math.max(1, bw - 2)}
          y=${H - (b.value / max) * H} height=${(b.value / max) * H} data-key=${b.key}>
          ${b.title && html`<title>${b.title}</title>`}</rect>`,
      )}
      <text x="2" y=${H + 16} class="axis">${axis}</text>
    </svg>
    <figcaption>${caption}</figcaption>
  </figure>`;
}

const COLORS = ['#0b5cad', '#b35900', '#2d7d46', '#8e3ca8', '#a3123a', '#4a5360'];

/**
 * Lines over sample index (oldest left). `series` = [{ name, values: number[] }], at most
 * six shown (the first six by name), each with its colour in the legend.
 */
export function LineChart({ id, series, label, caption, axis }) {
  const shown = series.slice(0, COLORS.length);
  const n = Math.max(2, ...shown.map((s) => s.values.length));
  const max = Math.max(1e-9, ...shown.flatMap((s) => s.values));
  const x = (i) => (i / (n - 1)) * W;
  const y = (v) => H - (v / max) * H;
  return html`<figure class="chart">
    <svg id=${id} viewBox=${`0 0 ${W} ${H + 20}`} role="img" aria-label=${label}
      data-series=${shown.length}>
      <title>${label}</title>
      ${shown.map(
        (s, k) => html`<polyline class="line" fill="none" stroke=${COLORS[k]} stroke-width="2"
          data-name=${s.name} data-points=${s.values.length}
          points=${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />`,
      )}
      <text x="2" y=${H + 16} class="axis">${axis}</text>
    </svg>
    <figcaption>${caption}
      <ul class="legend">${shown.map(
        (s, k) => html`<li><span class=${`swatch c${k}`}></span>${s.name}</li>`,
      )}</ul>
    </figcaption>
  </figure>`;
}
