/**
 * Pictures of training: loss / accuracy curves per epoch and a confusion-matrix heat map, as PNG.
 * render* return the PNG bytes (for a browser or a test); *Png(path) also write the file atomically.
 */
import { writeFileAtomic } from '../io/atomic.js';
import type { History } from './history.js';
import { Raster, type RGB } from './raster.js';
import { finite, integer, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

const INK: RGB = [40, 40, 40];
const GRID: RGB = [228, 228, 228];
const TRAIN: RGB = [31, 119, 180];
const VAL: RGB = [255, 127, 14];
const OTHER: RGB[] = [[44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75]];

type HistoryLike = History | { history: Record<string, number[]> } | Record<string, number[]>;

function historyOf(op: string, h: HistoryLike): Record<string, number[]> {
  if (h === null || typeof h !== 'object' || Array.isArray(h)) fail(op, `history must be a History or a record of key -> values per epoch, got ${show(h)}`);
  const inner = (h as { history?: unknown }).history;
  if (inner && typeof inner === 'object' && !Array.isArray(inner)) return inner as Record<string, number[]>;
  return h as Record<string, number[]>;
}

/** Short tick labels: 0.25, 1.5, 1200, 2.5e-4. */
export function tickLabel(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  // As many decimals as the step needs (0.25 -> 2; 0.5 -> 1), so no two ticks print alike or wrongly rounded.
  let decimals = 0;
  while (decimals < 4 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6 * 10 ** decimals) decimals++;
  return v.toFixed(decimals);
}

/** Round tick positions covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) * 0.1 || 1;
    [lo, hi] = [lo - d, hi + d];
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step);
  if (ticks[ticks.length - 1] < hi) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/** A log key as a panel title: top5Accuracy -> TOP-5 ACCURACY. */
export function metricTitle(key: string): string {
  return key.replace(/(\d+)/g, '-$1 ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/\s+/g, ' ').trim().toUpperCase();
}

interface Series {
  label: string;
  values: number[];
  color: RGB;
}

function drawPanel(r: Raster, x: number, y: number, w: number, h: number, title: string, series: Series[], epochOffset: number): void {
  const left = x + 56;
  const top = y + 28;
  const right = x + w - 20;
  const bottom = y + h - 34;
  r.text(title, left, y + 8, INK);
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const ticks = niceTicks(finite.length ? Math.min(...finite) : 0, finite.length ? Math.max(...finite) : 1);
  const [lo, hi] = [ticks[0], ticks[ticks.length - 1]];
  const px = (i: number) => (n === 1 ? (left + right) / 2 : left + ((right - left) * i) / (n - 1));
  const py = (v: number) => bottom - ((bottom - top) * (v - lo)) / (hi - lo || 1);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  for (const t of ticks) {
    r.line(left, py(t), right, py(t), GRID);
    r.text(tickLabel(t, step), left - 6, py(t) - 5, INK, { align: 'right' });
  }
  const every = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i += every) {
    r.line(px(i), bottom, px(i), bottom + 4, INK);
    r.text(String(epochOffset + i + 1), px(i), bottom + 8, INK, { align: 'center' });
  }
  r.text('EPOCH', (left + right) / 2, bottom + 20, INK, { align: 'center' });
  r.line(left, top, left, bottom, INK);
  r.line(left, bottom, right, bottom, INK);
  for (const s of series) {
    let prev: [number, number] | null = null;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        prev = null;
        return;
      }
      const p: [number, number] = [px(i), py(v)];
      if (prev) r.line(prev[0], prev[1], p[0], p[1], s.color, 2);
      r.dot(p[0], p[1], 2, s.color);
      prev = p;
    });
  }
  // Legend in the top margin, right-aligned, so it never hides a curve.
  let lx = right;
  for (const s of [...series].reverse()) {
    lx -= Raster.textWidth(s.label) + 16;
    r.fillRect(lx, y + 11, 12, 4, s.color);
    r.text(s.label, lx + 16, y + 8, INK);
    lx -= 14;
  }
}

/** PNG bytes of the loss curves (and accuracy curves, when there are any) per epoch. */
export interface HistoryPngOptions {
  /** Image width in pixels (default 420 per panel). */
  width?: number;
  height?: number;
  /** Added to the epoch numbers on the x axis (a resumed run). */
  epochOffset?: number;
}

export function renderHistoryPng(history: HistoryLike, opts: HistoryPngOptions = {}): Uint8Array {
  return renderHistory('renderHistoryPng', history, opts);
}

function renderHistory(op: string, history: HistoryLike, opts: HistoryPngOptions): Uint8Array {
  const h = historyOf(op, history);
  const { width, height = 360, epochOffset = 0 } = options<HistoryPngOptions>(op, opts, ['width', 'height', 'epochOffset']);
  if (width !== undefined) integer(op, 'width', width, { min: 1 });
  integer(op, 'height', height, { min: 1 });
  finite(op, 'epochOffset', epochOffset);
  const has = (k: string) => Array.isArray(h[k]) && h[k].length > 0;
  const panels: { title: string; series: Series[] }[] = [];
  const lossSeries: Series[] = [];
  if (has('loss')) lossSeries.push({ label: 'train', values: h.loss, color: TRAIN });
  if (has('valLoss')) lossSeries.push({ label: 'val', values: h.valLoss, color: VAL });
  if (lossSeries.length) panels.push({ title: 'LOSS', series: lossSeries });
  const accKeys = Object.keys(h).filter((k) => has(k) && /accuracy/i.test(k) && !k.startsWith('val'));
  for (const k of accKeys) {
    const val = `val${k[0].toUpperCase()}${k.slice(1)}`;
    const series: Series[] = [{ label: 'train', values: h[k], color: TRAIN }];
    if (has(val)) series.push({ label: 'val', values: h[val], color: VAL });
    panels.push({ title: metricTitle(k), series });
  }
  if (!panels.length) {
    const keys = Object.keys(h).filter(has);
    if (!keys.length) throw new Error(`${op}: the history has no values to plot`);
    panels.push({ title: keys.join(', ').toUpperCase(), series: keys.map((k, i) => ({ label: k, values: h[k], color: OTHER[i % OTHER.length] })) });
  }
  const panelWidth = 420;
  const r = new Raster(width ?? panelWidth * panels.length, height);
  const w = r.width / panels.length;
  panels.forEach((p, i) => drawPanel(r, i * w, 0, w, r.height, p.title, p.series, epochOffset));
  return r.toPng();
}

/** Writes the loss / accuracy curves of a History (or its `history` record) as a PNG. */
export function plotHistoryPng(history: HistoryLike, path: string, opts: HistoryPngOptions = {}): void {
  const png = renderHistory('plotHistoryPng', history, opts);
  if (typeof path !== 'string' || path === '') fail('plotHistoryPng', `path must be a non-empty string, got ${show(path)}`);
  writeFileAtomic(path, png);
}

export interface ConfusionPngOptions {
  /** Names for the classes (default 0, 1, ...). */
  classNames?: string[];
  /** Cell size in pixels (default: fits the matrix in about 480 px, between 12 and 56). */
  cellSize?: number;
  /** Colour by the row-normalised value (recall per true class; default true) or by raw count. */
  normalize?: boolean;
  /** A title above the matrix (default 'CONFUSION MATRIX'; '' for none). */
  title?: string;
}

/** PNG bytes of a confusion matrix heat map (rows: true class, columns: predicted), counts written in the cells when they fit. */
export function renderConfusionMatrixPng(matrix: number[][], opts: ConfusionPngOptions = {}): Uint8Array {
  return renderConfusion('renderConfusionMatrixPng', matrix, opts);
}

function renderConfusion(op: string, matrix: number[][], opts: ConfusionPngOptions): Uint8Array {
  if (!Array.isArray(matrix)) fail(op, `matrix must be a square array of count rows, got ${show(matrix)}`);
  const { classNames, cellSize, normalize = true, title = 'CONFUSION MATRIX' } = options<ConfusionPngOptions>(op, opts, ['classNames', 'cellSize', 'normalize', 'title']);
  if (typeof title !== 'string') fail(op, `title must be a string, got ${show(title)}`);
  const n = matrix.length;
  if (n === 0 || matrix.some((row) => !Array.isArray(row) || row.length !== n)) throw new Error(`${op}: expected a square matrix, got ${n} rows of lengths ${matrix.map((r) => r?.length).join(', ')}`);
  matrix.forEach((row, i) => row.forEach((v, j) => { if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(op, `matrix[${i}][${j}] must be a non-negative count, got ${show(v)}`); }));
  const names = (classNames ?? matrix.map((_, i) => String(i))).map((s) => String(s).toUpperCase());
  if (names.length !== n) throw new Error(`${op}: ${names.length} class names for ${n} classes`);
  const cell = cellSize ?? Math.max(12, Math.min(56, Math.floor(480 / n)));
  const maxCount = Math.max(1, ...matrix.flat());
  const countDigits = String(maxCount).length;
  const textScale = Raster.textWidth('0'.repeat(countDigits), 2) <= cell - 4 ? 2 : Raster.textWidth('0'.repeat(countDigits), 1) <= cell - 2 ? 1 : 0;
  const labelMax = Math.min(12, Math.max(...names.map((s) => s.length)));
  const labelScale = cell >= 14 ? 2 : 1;
  // Wide enough for the row labels and for the word TRUE above them (one-character class names are narrower).
  const marginLeft = Math.max(Raster.textWidth('X'.repeat(labelMax), labelScale), Raster.textWidth('TRUE', 2)) + 16;
  const titleH = title ? 20 : 0;
  const marginTop = 40 + titleH;
  // The colour bar on the right: what a shade means (share of the true class, or a count).
  const barTop = normalize ? '1' : String(maxCount);
  const barLeft = marginLeft + n * cell + 16, barW = 14;
  const r = new Raster(Math.max(barLeft + barW + 8 + Raster.textWidth(barTop, 2) + 8, Raster.textWidth(title, 2) + 16), marginTop + n * cell + 12);
  if (title) r.text(title, r.width / 2, 6, INK, { align: 'center' });
  r.text('PREDICTED', marginLeft + (n * cell) / 2, 8 + titleH, INK, { align: 'center' });
  r.text('TRUE', marginLeft - 6, marginTop - 26, INK, { align: 'right' });
  const shade = (t: number): RGB => [Math.round(247 - t * (247 - 8)), Math.round(251 - t * (251 - 48)), Math.round(255 - t * (255 - 107))];
  const barH = n * cell - 1;
  for (let y = 0; y < barH; y++) r.fillRect(barLeft, marginTop + y, barW, 1, shade(1 - y / Math.max(1, barH - 1)));
  r.text(barTop, barLeft + barW + 6, marginTop, INK);
  r.text('0', barLeft + barW + 6, marginTop + barH - 10, INK);
  r.text(normalize ? 'OF ROW' : 'COUNT', barLeft + barW / 2, marginTop - 12, INK, { align: 'center', scale: 1 });
  const bigColumns = names.every((l) => Raster.textWidth(l.slice(0, labelMax), 2) <= cell - 4);
  for (let i = 0; i < n; i++) {
    const label = names[i].slice(0, labelMax);
    r.text(label, marginLeft - 6, marginTop + i * cell + (cell - 5 * labelScale) / 2, INK, { align: 'right', scale: labelScale });
    // Column labels at full size when all of them fit in a cell, else small (every k-th one when even that is too wide).
    if (bigColumns) {
      r.text(label, marginLeft + i * cell + cell / 2, marginTop - 14, INK, { align: 'center' });
    } else if (Raster.textWidth(label, 1) <= cell || i % Math.ceil((Raster.textWidth(label, 1) + 4) / cell) === 0) {
      r.text(label, marginLeft + i * cell + cell / 2, marginTop - 12, INK, { align: 'center', scale: 1 });
    }
    const rowSum = matrix[i].reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j++) {
      const v = matrix[i][j];
      const t = normalize ? (rowSum ? v / rowSum : 0) : v / maxCount;
      r.fillRect(marginLeft + j * cell, marginTop + i * cell, cell - 1, cell - 1, shade(t));
      if (textScale > 0) r.text(String(v), marginLeft + j * cell + cell / 2, marginTop + i * cell + (cell - 5 * textScale) / 2, t > 0.5 ? [255, 255, 255] : INK, { align: 'center', scale: textScale });
    }
  }
  return r.toPng();
}

/** Writes a confusion matrix heat map as a PNG. */
export function confusionMatrixPng(matrix: number[][], path: string, opts: ConfusionPngOptions = {}): void {
  const png = renderConfusion('confusionMatrixPng', matrix, opts);
  if (typeof path !== 'string' || path === '') fail('confusionMatrixPng', `path must be a non-empty string, got ${show(path)}`);
  writeFileAtomic(path, png);
}
