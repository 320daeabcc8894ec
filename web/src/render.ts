/** Drawing the worker's numbers: confusion matrix, mistakes, probabilities, filters, feature maps, pictures. */
import type { Map2D, Picture } from './protocol';
import { MISTAKES } from './mistakes';

/** An RGBA picture the worker rendered (neocog's render module) onto a canvas, at its own size; CSS scales it. */
export function drawPicture(canvas: HTMLCanvasElement, pic: Picture | null): void {
  if (!pic) {
    canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
    return;
  }
  canvas.width = pic.width;
  canvas.height = pic.height;
  canvas.getContext('2d')!.putImageData(new ImageData(pic.data as Uint8ClampedArray<ArrayBuffer>, pic.width, pic.height), 0, 0);
}

/** A grey image (values scaled from [lo, hi]) on a new canvas, shown `zoom` times larger with crisp pixels. */
export function greyCanvas(values: ArrayLike<number>, w: number, h: number, zoom: number, lo = 0, hi = 1, diverging = false): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.className = 'pix';
  paintGrey(c, values, w, h, zoom, lo, hi, diverging);
  return c;
}

/**
 * Paints into an existing canvas (resized only when the picture's size changes): repainting in place
 * keeps the page's layout still while training, where new elements would make every update re-lay out.
 */
export function paintGrey(c: HTMLCanvasElement, values: ArrayLike<number>, w: number, h: number, zoom: number, lo = 0, hi = 1, diverging = false): void {
  if (c.width !== w || c.height !== h) {
    c.width = w;
    c.height = h;
  }
  const cssW = `${w * zoom}px`, cssH = `${h * zoom}px`;
  if (c.style.width !== cssW) c.style.width = cssW;
  if (c.style.height !== cssH) c.style.height = cssH;
  const img = new ImageData(w, h);
  fillGrey(img.data, 0, w, values, w, h, lo, hi, diverging);
  c.getContext('2d')!.putImageData(img, 0, 0);
}

/** Writes a w x h grey (or blue-white-red) tile into RGBA `out` at pixel `at`, rows `stride` pixels apart. */
function fillGrey(out: Uint8ClampedArray, at: number, stride: number, values: ArrayLike<number>, w: number, h: number, lo: number, hi: number, diverging: boolean): void {
  if (!diverging) {
    // One 32-bit store a pixel (opaque grey): this runs cold on the first evaluation, where every
    // bytecode counts against the frame.
    const px = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
    const k = 255 / (hi - lo || 1);
    for (let y = 0; y < h; y++) {
      for (let x = 0, o = at + y * stride, i = y * w; x < w; x++) px[o++] = 0xff000000 | (((Math.max(0, Math.min(255, (values[i++] - lo) * k)) + 0.5) | 0) * 0x010101);
    }
    return;
  }
  const span = Math.max(Math.abs(lo), Math.abs(hi), 1e-8);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // blue for negative weights, red for positive, white at zero
      const t = Math.max(-1, Math.min(1, values[y * w + x] / span)), o = 4 * (at + y * stride + x);
      out[o] = t < 0 ? 255 * (1 + t) : 255;
      out[o + 1] = 255 * (1 - Math.abs(t));
      out[o + 2] = t > 0 ? 255 * (1 - t) : 255;
      out[o + 3] = 255;
    }
  }
}

export function drawConfusion(canvas: HTMLCanvasElement, m: number[][], classes: string[]): void {
  const ctx = canvas.getContext('2d')!;
  const n = m.length, pad = 30, cell = (canvas.width - pad) / n;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '11px system-ui';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let r = 0; r < n; r++) {
    const rowSum = m[r].reduce((a, b) => a + b, 0) || 1;
    for (let c = 0; c < n; c++) {
      const f = m[r][c] / rowSum;
      ctx.fillStyle = r === c ? `rgba(30,120,60,${0.15 + 0.85 * f})` : `rgba(200,40,40,${Math.min(1, 4 * f)})`;
      ctx.fillRect(pad + c * cell, pad + r * cell, cell - 1, cell - 1);
      if (m[r][c]) {
        ctx.fillStyle = f > 0.5 ? '#fff' : '#222';
        ctx.fillText(String(m[r][c]), pad + (c + 0.5) * cell, pad + (r + 0.5) * cell);
      }
    }
    ctx.fillStyle = '#222';
    ctx.fillText(classes[r].slice(0, 3), pad / 2, pad + (r + 0.5) * cell);
    ctx.fillText(classes[r].slice(0, 3), pad + (r + 0.5) * cell, pad / 2);
  }
  ctx.save();
  ctx.fillStyle = '#666';
  ctx.fillText('predicted →', canvas.width / 2 + pad / 2, 6);
  ctx.restore();
}

let wrongDrawn = 0;

/** The worker's mistakes picture (./mistakes.ts) zoomed onto the canvas, captioned "true→predicted". */
export function drawWrong(canvas: HTMLCanvasElement, pic: Picture, wrong: { label: number; pred: number }[], classes: string[]): void {
  const { cols, cellW, cellH, zoom } = MISTAKES;
  const dpr = Math.min(2, Math.ceil(window.devicePixelRatio || 1));
  const cssW = pic.width * zoom, cssH = pic.height * zoom;
  if (canvas.width !== cssW * dpr || canvas.height !== cssH * dpr) {
    canvas.width = cssW * dpr;
    canvas.height = cssH * dpr;
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
  }
  const staging = new OffscreenCanvas(pic.width, pic.height);
  staging.getContext('2d')!.putImageData(new ImageData(pic.data as Uint8ClampedArray<ArrayBuffer>, pic.width, pic.height), 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(staging, 0, 0, cssW, cssH);
  // The captions in a task of their own: the first text drawn costs the page another 10-15 ms.
  const drawn = ++wrongDrawn;
  setTimeout(() => {
    if (drawn !== wrongDrawn) return;
    ctx.font = '10px system-ui';
    ctx.textAlign = 'center';
    ctx.fillStyle = '#222';
    wrong.forEach((w, i) => {
      const x = (i % cols) * cellW * zoom, y = Math.floor(i / cols) * cellH * zoom;
      ctx.fillText(`${classes[w.label].slice(0, 6)}→${classes[w.pred].slice(0, 6)}`, x + (cellW * zoom) / 2, y + 28 * zoom + 12);
    });
  }, 0);
  canvas.dataset.count = String(wrong.length);
  canvas.title = wrong.length ? 'held-out mistakes: true class → predicted class' : '';
}

export function drawProbs(box: HTMLElement, probs: number[], classes: string[]): void {
  const best = probs.indexOf(Math.max(...probs));
  box.replaceChildren(...probs.map((p, k) => {
    const row = document.createElement('div');
    row.className = k === best ? 'prob best' : 'prob';
    row.dataset.class = String(k);
    row.innerHTML = `<span class="name"></span><span class="bar"><span style="width:${(100 * p).toFixed(1)}%"></span></span><span class="pct">${(100 * p).toFixed(1)}%</span>`;
    (row.querySelector('.name') as HTMLElement).textContent = classes[k];
    return row;
  }));
  box.dataset.best = String(best);
}

/**
 * First-layer filters [oc, ic, kh, kw]: one tile per (output, input) channel, blue < 0 < red, each scaled
 * to its own largest weight. One picture at one pixel per weight (1-pixel gaps); CSS zooms it, pixelated.
 */
export function drawFilters(canvas: HTMLCanvasElement, shape: number[], data: Float32Array): void {
  const [oc, ic, kh, kw] = shape;
  const zoom = Math.max(4, Math.floor(48 / Math.max(kh, kw)));
  const tiles = oc * Math.min(ic, 3);
  const cols = Math.min(tiles, 16);
  const rows = Math.ceil(tiles / cols);
  const w = cols * (kw + 1) - 1, h = rows * (kh + 1) - 1;
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = `${w * zoom}px`;
    canvas.style.height = `${h * zoom}px`;
  }
  const img = new ImageData(w, h);
  let t = 0;
  for (let o = 0; o < oc; o++) {
    for (let i = 0; i < Math.min(ic, 3); i++, t++) {
      const off = (o * ic + i) * kh * kw;
      const v = data.subarray(off, off + kh * kw);
      let m = 0;
      for (const x of v) m = Math.max(m, Math.abs(x));
      fillGrey(img.data, Math.floor(t / cols) * (kh + 1) * w + (t % cols) * (kw + 1), w, v, kw, kh, -m, m, true);
    }
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

/** Each layer's first channels on the current input; rows and canvases are reused while the net's shapes stay. */
export function drawMaps(box: HTMLElement, maps: Map2D[]): void {
  const key = maps.map((m) => `${m.name}:${m.shape.join('x')}:${m.channels}`).join('|');
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.replaceChildren(...maps.map((m) => {
      const row = document.createElement('div');
      row.className = 'maprow';
      const label = document.createElement('div');
      label.className = 'maplabel mono';
      label.textContent = `${m.name} ${m.type} [${m.shape.join('×')}]${m.channels < m.shape[0] ? ` (first ${m.channels} of ${m.shape[0]} channels)` : ''}`;
      row.append(label);
      for (let c = 0; c < m.channels; c++) {
        const canvas = document.createElement('canvas');
        canvas.className = 'pix';
        row.append(canvas);
      }
      return row;
    }));
  }
  maps.forEach((m, r) => {
    const [, h, w] = m.shape;
    const zoom = Math.max(1, Math.floor(56 / Math.max(h, w)));
    const canvases = box.children[r].querySelectorAll('canvas');
    for (let c = 0; c < m.channels; c++) {
      const v = m.data.subarray(c * h * w, (c + 1) * h * w);
      let lo = Infinity, hi = -Infinity;
      for (const x of v) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      paintGrey(canvases[c], v, w, h, zoom, lo, hi);
    }
  });
}
