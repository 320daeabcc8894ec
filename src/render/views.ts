/** Ready-made pictures of inspect results: maps over an image, feature-map grids, filter grids, embedding scatter plots. */
import { Tensor } from '../tensor/tensor.js';
import { blank, fromTensor, overlay, scale, type RGBAImage } from './image.js';
import { colorize, type ColormapName } from './colormap.js';
import { drawText, grid, type GridTile } from './grid.js';
import { show } from '../ops/args.js';
import { checkNumbers, checkString, checkTensor, fail, int, opts } from './check.js';

export interface MapImageOptions {
  /** How channels are combined: 'sum' keeps the sign (default), 'maxAbs' gives Simonyan's saliency magnitude. */
  reduce?: 'sum' | 'maxAbs';
  cmap?: ColormapName;
  /** Overlay on this input image ([C,H,W] in [0,1]) with this opacity of the map (default 0.6). */
  over?: Tensor;
  alpha?: number;
  zoom?: number;
}

/** One sample's map [C,H,W] (or [1,C,H,W], [H,W]) as a colour image, optionally over the input. */
export function mapImage(map: Tensor, options?: MapImageOptions): RGBAImage {
  checkTensor('mapImage', 'map', map);
  const { reduce = 'sum', cmap = 'auto', over, alpha = 0.6, zoom = 1 } = opts<MapImageOptions>('mapImage', options, ['reduce', 'cmap', 'over', 'alpha', 'zoom']);
  if (over !== undefined) checkTensor('mapImage', 'over', over);
  int('mapImage', 'zoom', zoom, 1, 1 << 12);
  const shape = map.ndim === 4 && map.shape[0] === 1 ? map.shape.slice(1) : map.ndim === 2 ? [1, ...map.shape] : map.shape;
  if (shape.length !== 3) fail('mapImage', `expected one map [C,H,W], got [${map.shape.join(',')}]`);
  if (reduce !== 'sum' && reduce !== 'maxAbs') fail('mapImage', `reduce must be 'sum' or 'maxAbs', got ${show(reduce)}`);
  const [c, h, w] = shape, v = map.dataSync(), out = new Float64Array(h * w);
  for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) {
    const a = v[k * h * w + p];
    out[p] = reduce === 'sum' ? out[p] + a : Math.max(out[p], Math.abs(a));
  }
  let img: RGBAImage = colorize(out, w, h, { cmap });
  if (over) img = overlay(fromTensor(over), img, alpha);
  return scale(img, zoom);
}

/** Every channel of one sample's feature maps [C,H,W] (each scaled on its own), labelled by index. */
export function mapsGrid(maps: Tensor, options?: { zoom?: number; cols?: number; title?: string }): RGBAImage {
  checkTensor('mapsGrid', 'maps', maps);
  const { zoom = 2, cols, title } = opts<{ zoom: number; cols: number; title: string }>('mapsGrid', options, ['zoom', 'cols', 'title']);
  int('mapsGrid', 'zoom', zoom, 1, 1 << 12);
  if (cols !== undefined) int('mapsGrid', 'cols', cols, 1);
  if (title !== undefined) checkString('mapsGrid', 'title', title);
  const shape = maps.ndim === 4 && maps.shape[0] === 1 ? maps.shape.slice(1) : maps.shape;
  if (shape.length === 1 || shape.length === 2 || shape.slice(1).every((d) => d === 1)) {
    // A vector (a dense layer): one row of cells.
    const v = maps.dataSync();
    return grid([{ image: scale(colorize(v, v.length, 1), 4), label: title ? undefined : `${v.length} units` }], { title });
  }
  if (shape.length !== 3) fail('mapsGrid', `expected [C,H,W] or [1,C,H,W], got [${maps.shape.join(',')}]`);
  const [c, h, w] = shape, v = maps.dataSync();
  const tiles: GridTile[] = [];
  for (let k = 0; k < c; k++) tiles.push({ image: colorize(v.subarray(k * h * w, (k + 1) * h * w), w, h), label: String(k) });
  return grid(tiles, { zoom, cols, title });
}

/**
 * Conv filters [out, in, kh, kw] as tiles (one per output filter; RGB when in = 3, else one tile per
 * input channel up to `maxIn`), diverging colours with one symmetric range for the whole layer.
 * 1-D filters over one-hot sequences [out, alphabet, k]: a letter x position heatmap labelled with its motif.
 */
export function filterGrid(weight: Tensor, options?: { zoom?: number; maxIn?: number; motifs?: string[]; alphabet?: string; title?: string }): RGBAImage {
  checkTensor('filterGrid', 'weight', weight);
  const { zoom = 4, maxIn = 8, motifs, alphabet, title } = opts<{ zoom: number; maxIn: number; motifs: string[]; alphabet: string; title: string }>('filterGrid', options, ['zoom', 'maxIn', 'motifs', 'alphabet', 'title']);
  int('filterGrid', 'zoom', zoom, 1, 1 << 12);
  int('filterGrid', 'maxIn', maxIn, 1);
  if (motifs !== undefined && (!Array.isArray(motifs) || !motifs.every((m) => typeof m === 'string'))) fail('filterGrid', `motifs must be an array of strings, got ${show(motifs)}`);
  if (alphabet !== undefined) checkString('filterGrid', 'alphabet', alphabet);
  if (title !== undefined) checkString('filterGrid', 'title', title);
  const v = weight.dataSync();
  let m = 0;
  for (const a of v) m = Math.max(m, Math.abs(a));
  const range: [number, number] = [-m || -1, m || 1];
  const tiles: GridTile[] = [];
  if (weight.ndim === 3) {
    const [out, cin, k] = weight.shape;
    for (let f = 0; f < out; f++) {
      const tile = colorize(v.subarray(f * cin * k, (f + 1) * cin * k), k, cin, { cmap: 'diverging', range });
      const big = scale(tile, zoom);
      const withLetters = blank(big.width + 6, big.height);
      for (let y = 0; y < big.height; y++) withLetters.data.set(big.data.subarray(y * big.width * 4, (y + 1) * big.width * 4), (y * withLetters.width + 6) * 4);
      if (alphabet) [...alphabet].forEach((ch, r) => drawText(withLetters, ch, 0, r * zoom + Math.max(0, (zoom - 5) >> 1)));
      tiles.push({ image: withLetters, label: motifs?.[f] ?? String(f) });
    }
    return grid(tiles, { cols: Math.min(4, out), title });
  }
  if (weight.ndim !== 4) fail('filterGrid', `expected conv weights [out, in, kh, kw] or [out, in, k], got [${weight.shape.join(',')}]`);
  const [out, cin, kh, kw] = weight.shape, plane = kh * kw;
  for (let f = 0; f < out; f++) {
    if (cin === 3) {
      const img = blank(kw, kh);
      for (let p = 0; p < plane; p++) for (let ch = 0; ch < 3; ch++) img.data[p * 4 + ch] = Math.round(255 * (0.5 + 0.5 * v[(f * 3 + ch) * plane + p] / (m || 1)));
      tiles.push({ image: img, label: String(f) });
    } else {
      for (let i = 0; i < Math.min(cin, maxIn); i++) tiles.push({ image: colorize(v.subarray((f * cin + i) * plane, (f * cin + i + 1) * plane), kw, kh, { cmap: 'diverging', range }), label: cin === 1 ? String(f) : `${f}.${i}` });
    }
  }
  return grid(tiles, { zoom, cols: cin === 3 || cin === 1 ? Math.min(out, 10) : Math.min(cin, maxIn), title });
}

// Tableau's 10 category colours.
const PALETTE = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]];

/** Points [n, 2] (row-major numbers, or a tensor) coloured by label, with a legend of class names. */
export function scatterPlot(coords: ArrayLike<number> | Tensor, labels: ArrayLike<number> | undefined, options?: { size?: number; classes?: readonly string[]; title?: string }): RGBAImage {
  if (coords instanceof Tensor) coords = coords.dataSync();
  checkNumbers('scatterPlot', 'coords', coords);
  if (coords.length % 2 !== 0) fail('scatterPlot', `coords must be [n, 2] row-major (an even count), got ${coords.length} values`);
  const n = coords.length / 2;
  if (labels !== undefined && labels !== null) {
    checkNumbers('scatterPlot', 'labels', labels);
    if (labels.length !== n) fail('scatterPlot', `labels has ${labels.length} entries for ${n} points`);
    for (let i = 0; i < n; i++) if (!Number.isInteger(labels[i]) || labels[i] < 0) fail('scatterPlot', `labels must be class indices (integers >= 0), got ${show(labels[i])} at ${i}`);
  }
  const { size = 600, classes, title } = opts<{ size: number; classes: readonly string[]; title: string }>('scatterPlot', options, ['size', 'classes', 'title']);
  int('scatterPlot', 'size', size, 41, 1 << 13);
  if (classes !== undefined && (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string'))) fail('scatterPlot', `classes must be an array of strings, got ${show(classes)}`);
  if (title !== undefined) checkString('scatterPlot', 'title', title);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) { x0 = Math.min(x0, coords[2 * i]); x1 = Math.max(x1, coords[2 * i]); y0 = Math.min(y0, coords[2 * i + 1]); y1 = Math.max(y1, coords[2 * i + 1]); }
  const pad = 20, top = title ? 16 : 4, legend = 90;
  const img = blank(size + legend, size + top);
  const sx = (size - 2 * pad) / (x1 - x0 || 1), sy = (size - 2 * pad) / (y1 - y0 || 1);
  for (let i = 0; i < n; i++) {
    const px = Math.round(pad + (coords[2 * i] - x0) * sx), py = Math.round(top + pad + (y1 - coords[2 * i + 1]) * sy);
    const col = labels ? PALETTE[labels[i] % 10] : [40, 40, 40];
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const qx = px + dx, qy = py + dy;
      if (qx >= 0 && qy >= 0 && qx < size && qy < img.height) img.data.set(col, (qy * img.width + qx) * 4);
    }
  }
  if (title) drawText(img, title, 4, 4, { size: 2 });
  if (labels) {
    const seen = [...new Set(Array.from(labels))].sort((a, b) => a - b);
    seen.forEach((l, r) => {
      const y = top + 10 + r * 16;
      for (let dy = 0; dy < 8; dy++) for (let dx = 0; dx < 8; dx++) img.data.set(PALETTE[l % 10], ((y + dy) * img.width + size + 4 + dx) * 4);
      drawText(img, (classes?.[l] ?? String(l)).slice(0, 10), size + 16, y, { size: 1 });
    });
  }
  return img;
}
