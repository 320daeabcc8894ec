/** render: colormap choice and range (never an all-negative map in red), grids, overlays, PNG round trip. */
import { describe, expect, test } from 'vitest';
import { PNG } from 'pngjs';
import * as nc from '../../src/index.js';
import { render } from '../../src/index.js';
import { encodeRgbaPng } from '../../src/node/inspect-report.js';

const px = (img: render.RGBAImage, i: number) => Array.from(img.data.subarray(i * 4, i * 4 + 3));

describe('colorize', () => {
  test('an all-negative map is blue shades with white at 0, never red', () => {
    const img = render.colorize([-1, -0.5, -0.25, -0.01], 4, 1);
    expect(img.cmap).toBe('diverging');
    expect(img.range).toEqual([-1, 1]);
    for (let i = 0; i < 4; i++) { const [r, , b] = px(img, i); expect(b).toBeGreaterThan(r); }
    expect(px(img, 0)).toEqual([59, 76, 192]);
  });
  test('a signed map is centred on white at 0; a positive map is viridis from 0', () => {
    const s = render.colorize([-2, 0, 1], 3, 1);
    expect(px(s, 1)).toEqual([255, 255, 255]);
    const [r, , b] = px(s, 2);
    expect(r).toBeGreaterThan(b);
    const p = render.colorize([0, 1, 2], 3, 1);
    expect(p.cmap).toBe('viridis');
    expect(px(p, 0)).toEqual(render.viridis(0));
    expect(px(p, 2)).toEqual(render.viridis(1));
  });
  test('viridis matches matplotlib within 4/255', () => {
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(4));
    close(render.viridis(0), [68, 1, 84]);
    close(render.viridis(0.5), [33, 145, 140]);
    close(render.viridis(1), [253, 231, 37]);
  });
  test('bad arguments are rejected', () => {
    expect(() => render.colorize([1, 2], 3, 1)).toThrow(/2 values for a 3x1 image/);
    expect(() => render.colorize([1], 1, 1, { cmap: 'jet' as never })).toThrow(/unknown cmap 'jet'/);
  });
});

describe('images', () => {
  test('grid places labelled tiles; overlay blends; PNG round-trips', () => {
    const tile = render.colorize([0, 1, 2, 3], 2, 2);
    const g = render.grid([{ image: tile, label: 'A1' }, { image: tile, label: 'B2' }], { cols: 2, zoom: 3, pad: 2 });
    expect(g.width).toBe(2 + 2 * (7 + 2));
    expect(g.height).toBe(2 + 6 + 8 + 2);
    const base = render.fromTensor(nc.zeros([1, 2, 2]));
    const o = render.overlay(base, render.blank(2, 2, [200, 100, 0, 255]), 0.5);
    expect(px(o, 0)).toEqual([100, 50, 0]);
    const png = PNG.sync.read(encodeRgbaPng(g));
    expect([png.width, png.height]).toEqual([g.width, g.height]);
    expect(Buffer.from(png.data).equals(Buffer.from(g.data))).toBe(true);
  });
  test('toImageData explains itself outside the browser', () => {
    expect(() => render.toImageData(render.blank(1, 1))).toThrow(/browser API/);
  });
});
