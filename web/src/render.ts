/** Drawing the worker's numbers: confusion matrix, mistakes, probabilities, filters, feature maps, pictures. */
import type { Map2D, Picture } from './protocol';

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
  c.width = w;
  c.height = h;
  c.style.width = `${w * zoom}px`;
  c.style.height = `${h * zoom}px`;
  c.className = 'pix';
  const img = new ImageData(w, h);
  const k = 255 / (hi - lo || 1);
  for (let i = 0; i < w * h; i++) {
    const v = (values[i] - lo) * k;
    if (diverging) {
      // blue for negative weights, red for positive, white at zero
      const t = Math.max(-1, Math.min(1, values[i] / Math.max(Math.abs(lo), Math.abs(hi), 1e-8)));
      img.data[4 * i] = t < 0 ? 255 * (1 + t) : 255;
      img.data[4 * i + 1] = 255 * (1 - Math.abs(t));
      img.data[4 * i + 2] = t > 0 ? 255 * (1 - t) : 255;
    } else {
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
    }
    img.data[4 * i + 3] = 255;
  }
  c.getContext('2d')!.putImageData(img, 0, 0);
  return c;
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

export function drawWrong(box: HTMLElement, wrong: { label: number; pred: number; pixels: Uint8Array }[], classes: string[]): void {
  box.replaceChildren(...wrong.slice(0, 24).map((w) => {
    const fig = document.createElement('figure');
    fig.append(greyCanvas(w.pixels, 28, 28, 2, 0, 255));
    const cap = document.createElement('figcaption');
    cap.textContent = `${classes[w.label].slice(0, 6)}→${classes[w.pred].slice(0, 6)}`;
    cap.title = `true ${classes[w.label]}, predicted ${classes[w.pred]}`;
    fig.append(cap);
    return fig;
  }));
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

/** First-layer filters [oc, ic, kh, kw]: one tile per (output, input) channel, blue < 0 < red. */
export function drawFilters(canvas: HTMLCanvasElement, shape: number[], data: Float32Array): void {
  const [oc, ic, kh, kw] = shape;
  const zoom = Math.max(4, Math.floor(48 / Math.max(kh, kw)));
  const tiles = oc * Math.min(ic, 3);
  const cols = Math.min(tiles, 16);
  const rows = Math.ceil(tiles / cols);
  canvas.width = cols * (kw * zoom + 4);
  canvas.height = rows * (kh * zoom + 4);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  let t = 0;
  for (let o = 0; o < oc; o++) {
    for (let i = 0; i < Math.min(ic, 3); i++, t++) {
      const off = (o * ic + i) * kh * kw;
      const v = data.subarray(off, off + kh * kw);
      let m = 0;
      for (const x of v) m = Math.max(m, Math.abs(x));
      const tile = greyCanvas(v, kw, kh, 1, -m, m, true);
      ctx.drawImage(tile, (t % cols) * (kw * zoom + 4), Math.floor(t / cols) * (kh * zoom + 4), kw * zoom, kh * zoom);
    }
  }
}

export function drawMaps(box: HTMLElement, maps: Map2D[]): void {
  box.replaceChildren(...maps.map((m) => {
    const row = document.createElement('div');
    row.className = 'maprow';
    const label = document.createElement('div');
    label.className = 'maplabel mono';
    label.textContent = `${m.name} ${m.type} [${m.shape.join('×')}]${m.channels < m.shape[0] ? ` (first ${m.channels} of ${m.shape[0]} channels)` : ''}`;
    row.append(label);
    const [, h, w] = m.shape;
    const zoom = Math.max(1, Math.floor(56 / Math.max(h, w)));
    for (let c = 0; c < m.channels; c++) {
      const v = m.data.subarray(c * h * w, (c + 1) * h * w);
      let lo = Infinity, hi = -Infinity;
      for (const x of v) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      row.append(greyCanvas(v, w, h, zoom, lo, hi));
    }
    return row;
  }));
}
