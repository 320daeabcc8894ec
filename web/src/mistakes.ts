/**
 * The held-out mistakes as one picture: the worker paints the digits into a 1:1 grid and the page only
 * zooms it and writes the captions, so the page's frames stay short while training.
 */
import type { Picture } from './protocol';

/** Grid layout in picture pixels (the page shows it `zoom` times larger, captions under each digit). */
export const MISTAKES = { max: 24, cols: 8, cellW: 33, cellH: 37, inset: 2, zoom: 2 } as const;

/** Up to MISTAKES.max 28x28 grey images (0-255) in rows of MISTAKES.cols, transparent between them. */
export function mistakesPicture(images: readonly Uint8Array[]): Picture {
  const { max, cols, cellW, cellH, inset } = MISTAKES;
  const width = cols * cellW, height = Math.ceil(max / cols) * cellH;
  const data = new Uint8ClampedArray(4 * width * height);
  images.slice(0, max).forEach((px, i) => {
    const x0 = (i % cols) * cellW + inset, y0 = Math.floor(i / cols) * cellH;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const o = 4 * ((y0 + y) * width + x0 + x);
        data[o] = data[o + 1] = data[o + 2] = px[y * 28 + x];
        data[o + 3] = 255;
      }
    }
  });
  return { width, height, data };
}
