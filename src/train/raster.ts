/**
 * A tiny RGB raster for the training plots: rectangles, lines, dots and text in a 3x5 pixel font
 * (digits, A-Z, a little punctuation; lower case is drawn as upper case), encoded as PNG by
 * encodePng from src/data/image-folder.ts (pngjs).
 */
import { fromArray } from '../tensor/creation.js';
import { encodePng } from '../data/image-folder.js';

export type RGB = readonly [number, number, number];

const GLYPHS: Record<string, string> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111', '4': '101101111001001',
  '5': '111100111001111', '6': '111100111101111', '7': '111001001010010', '8': '111101111101111', '9': '111101111001111',
  A: '010101111101101', B: '110101110101110', C: '011100100100011', D: '110101101101110', E: '111100110100111',
  F: '111100110100100', G: '011100101101011', H: '101101111101101', I: '111010010010111', J: '001001001101010',
  K: '101101110101101', L: '100100100100111', M: '101111111101101', N: '110101101101101', O: '010101101101010',
  P: '110101110100100', Q: '010101101110011', R: '110101110101101', S: '011100010001110', T: '111010010010010',
  U: '101101101101111', V: '101101101101010', W: '101101111111101', X: '101101010101101', Y: '101101010010010',
  Z: '111001010100111', '.': '000000000000010', ',': '000000000010100', '-': '000000111000000', '+': '000010111010000',
  ':': '000010000010000', '%': '101001010100101', '/': '001001010100100', '(': '010100100100010', ')': '010001001001010',
  '_': '000000000000111', '=': '000111000111000', '[': '110100100100110', ']': '011001001001011', '#': '101111101111101',
  "'": '010010000000000', '<': '001010100010001', '>': '100010001010100', '?': '111001010000010', '!': '010010010000010',
};

export class Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;

  constructor(width: number, height: number, background: RGB = [255, 255, 255]) {
    this.width = Math.max(1, Math.round(width));
    this.height = Math.max(1, Math.round(height));
    this.data = new Uint8Array(this.width * this.height * 3);
    this.fillRect(0, 0, this.width, this.height, background);
  }

  set(x: number, y: number, c: RGB): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const i = (yi * this.width + xi) * 3;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }

  fillRect(x: number, y: number, w: number, h: number, c: RGB): void {
    for (let j = Math.max(0, Math.round(y)); j < Math.min(this.height, Math.round(y + h)); j++) {
      for (let i = Math.max(0, Math.round(x)); i < Math.min(this.width, Math.round(x + w)); i++) this.set(i, j, c);
    }
  }

  /** A line of the given thickness (a square brush along a DDA walk). */
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const r = (thickness - 1) / 2;
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      if (thickness <= 1) this.set(x, y, c);
      else this.fillRect(x - r, y - r, thickness, thickness, c);
    }
  }

  dot(x: number, y: number, radius: number, c: RGB): void {
    for (let j = -radius; j <= radius; j++) for (let i = -radius; i <= radius; i++) if (i * i + j * j <= radius * radius + radius) this.set(x + i, y + j, c);
  }

  /** Width in pixels of `text` at `scale`. */
  static textWidth(text: string, scale = 2): number {
    return text.length ? (text.length * 4 - 1) * scale : 0;
  }

  /** Draws text with its top-left corner at (x, y); align moves the anchor to the centre or right end. */
  text(text: string, x: number, y: number, c: RGB, { scale = 2, align = 'left' }: { scale?: number; align?: 'left' | 'center' | 'right' } = {}): void {
    const w = Raster.textWidth(text, scale);
    let cx = Math.round(align === 'center' ? x - w / 2 : align === 'right' ? x - w : x);
    for (const ch of text.toUpperCase()) {
      const g = GLYPHS[ch];
      if (g) {
        for (let row = 0; row < 5; row++) {
          for (let col = 0; col < 3; col++) if (g[row * 3 + col] === '1') this.fillRect(cx + col * scale, y + row * scale, scale, scale, c);
        }
      }
      cx += 4 * scale;
    }
  }

  /** PNG bytes (RGB, 8 bits). */
  toPng(): Uint8Array {
    const plane = this.width * this.height;
    const chw = new Int32Array(3 * plane);
    for (let p = 0; p < plane; p++) for (let k = 0; k < 3; k++) chw[k * plane + p] = this.data[p * 3 + k];
    return encodePng(fromArray(chw, [3, this.height, this.width]));
  }
}
