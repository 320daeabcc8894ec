/**
 * The drawing pad: white strokes on black (as MNIST), mouse / touch / pen through pointer events, and
 * dropped images. `toMnist` turns the pad into what the net was trained on: the ink's bounding box
 * scaled to fit 20x20, placed in 28x28 with its centre of mass at the centre (LeCun's MNIST recipe).
 */
export function setupPad(canvas: HTMLCanvasElement, onChange: () => void): { clear(): void; drawImage(src: CanvasImageSource, w: number, h: number): void } {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  let pending = false;
  const changed = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    stroke(last, last);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = at(e);
    stroke(last, p);
    last = p;
  });
  const up = () => {
    last = null;
  };
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  function stroke(a: [number, number], b: [number, number]): void {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = canvas.width / 12;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
    changed();
  }
  canvas.addEventListener('dragover', (e) => e.preventDefault());
  canvas.addEventListener('drop', async (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    const bmp = await createImageBitmap(file);
    drawImage(bmp, bmp.width, bmp.height);
  });
  /** Draws an image fitted into the pad; light backgrounds (photos of ink on paper) are inverted. */
  function drawImage(src: CanvasImageSource, w: number, h: number): void {
    clear();
    const s = Math.min(canvas.width / w, canvas.height / h);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(src, (canvas.width - w * s) / 2, (canvas.height - h * s) / 2, w * s, h * s);
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 0; i < img.data.length; i += 4) sum += img.data[i];
    if (sum / (img.data.length / 4) > 128) {
      for (let i = 0; i < img.data.length; i += 4) img.data[i] = img.data[i + 1] = img.data[i + 2] = 255 - img.data[i];
      ctx.putImageData(img, 0, 0);
    }
    changed();
  }
  return { clear: () => (clear(), changed()), drawImage };
}

/** The pad as a 28x28 MNIST-style image (float32 in [0,1]), or null when nothing is drawn. */
export function toMnist(canvas: HTMLCanvasElement): Float32Array | null {
  const W = canvas.width, H = canvas.height;
  const src = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, W, H).data;
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (src[4 * (y * W + x)] > 25) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const s = 20 / Math.max(bw, bh);
  const small = new OffscreenCanvas(28, 28);
  const sctx = small.getContext('2d', { willReadFrequently: true })!;
  const place = (dx: number, dy: number) => {
    sctx.fillStyle = '#000';
    sctx.fillRect(0, 0, 28, 28);
    sctx.imageSmoothingEnabled = true;
    sctx.imageSmoothingQuality = 'high';
    sctx.drawImage(canvas, x0, y0, bw, bh, 14 - (bw * s) / 2 + dx, 14 - (bh * s) / 2 + dy, bw * s, bh * s);
    return sctx.getImageData(0, 0, 28, 28).data;
  };
  let px = place(0, 0);
  let m = 0, cx = 0, cy = 0;
  for (let i = 0; i < 784; i++) {
    const v = px[4 * i];
    m += v;
    cx += v * (i % 28);
    cy += v * Math.floor(i / 28);
  }
  if (m > 0) px = place(Math.round(13.5 - cx / m), Math.round(13.5 - cy / m));
  const out = new Float32Array(784);
  for (let i = 0; i < 784; i++) out[i] = px[4 * i] / 255;
  return out;
}
