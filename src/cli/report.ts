/** Text output of the CLI: tables, percentages, the confusion matrix. */
import type { EvaluateResult } from '../train/index.js';

export const pct = (v: number, digits = 2): string => `${(100 * v).toFixed(digits)}%`;
export const count = (n: number): string => n.toLocaleString('en-US');

/** Left-aligned columns (numbers right-aligned), two spaces apart. */
export function table(header: string[], rows: string[][], { right = [] as number[] } = {}): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

/** Rows: true class, columns: predicted; plus per-class recall. */
export function formatConfusion(matrix: number[][], classes: readonly string[]): string {
  const names = matrix.map((_, i) => classes[i] ?? String(i));
  const cellW = Math.max(...matrix.flat().map((v) => String(v).length), ...names.map((s) => s.length), 3);
  const labelW = Math.max(...names.map((s) => s.length), 'true\\pred'.length);
  const lines = [`${'true\\pred'.padEnd(labelW)}  ${names.map((s) => s.padStart(cellW)).join(' ')}  ${'recall'.padStart(7)}`];
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total ? pct(row[i] / total, 1) : '-';
    lines.push(`${names[i].padEnd(labelW)}  ${row.map((v) => String(v).padStart(cellW)).join(' ')}  ${recall.padStart(7)}`);
  });
  return lines.join('\n');
}

export function formatEvaluation(r: EvaluateResult, classes: readonly string[]): string {
  const lines = [`samples:   ${count(r.numSamples)}`, `accuracy:  ${pct(r.accuracy)}  (${count(Math.round(r.accuracy * r.numSamples))} / ${count(r.numSamples)})`];
  for (const [k, v] of Object.entries(r.topK)) lines.push(`${`top-${k}:`.padEnd(11)}${pct(v)}`);
  if (r.loss !== null) lines.push(`loss:      ${r.loss.toFixed(4)}`);
  if (r.confusionMatrix) lines.push('', 'confusion matrix (rows: true class, columns: predicted):', formatConfusion(r.confusionMatrix, classes));
  return lines.join('\n');
}
