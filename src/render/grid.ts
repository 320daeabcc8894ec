/** Labelled grids of RGBA tiles, with a 3x5 pixel font for the labels (browser-safe, no canvas). */
import { blank, scale, type RGBAImage } from './image.js';
import { isPlainObject, show } from '../ops/args.js';
import { checkColor, checkImage, checkString, fail, int, opts } from './check.js';

// 3x5 glyphs: five rows of three, top to bottom, '#' = ink. Lower case is drawn as upper case ('x' excepted).
const GLYPHS: Record<string, string> = {
  "0": '#### ## ## ####', "1": ' # ##  #  # ###', "2": '###  #####  ###', "3": '###  # ##  ####', "4": '# ## ####  #  #', "5": '####  ###  ####',
  "6": '####  #### ####', "7": '###  #  # #  # ', "8": '#### ##### ####', "9": '#### ####  ####', A: ' # # ##### ## #', B: '## # ### # ### ',
  C: ' ###  #  #   ##', D: '## # ## ## ### ', E: '####  ## #  ###', F: '####  ## #  #  ', G: ' ###  # ## # ##', H: '# ## ##### ## #',
  I: '### #  #  # ###', J: '  #  #  ## # # ', K: '# ## ### # ## #', L: '#  #  #  #  ###', M: '# ######## ## #', N: '## # ## ## ## #',
  O: ' # # ## ## # # ', P: '## # ### #  #  ', Q: ' # # ## ###  ##', R: '## # ### # ## #', S: ' ###   #   ### ', T: '### #  #  #  # ',
  U: '# ## ## ## ####', V: '# ## ## ## # # ', W: '# ## ######## #', X: '# ## # # # ## #', Y: '# ## # #  #  # ', Z: '###  # # #  ###',
  " ": '               ', ".": '             # ', ",": '          # #  ', "-": '      ###      ', "+": '    # ### #    ', ":": '    #     #    ',
  "%": '# #  # # #  # #', "/": '  #  # # #  #  ', "_": '            ###', "(": ' # #  #  #   # ', ")": ' #   #  #  # # ', "=": '   ###   ###   ',
  "#": '# ##### ##### #', "?": '###  # #     # ', ">": '#   #   # # #  ', "<": '  # # #   #   #', "|": ' #  #  #  #  # ', "'": ' #  #          ',
  x: '   # # # # #   ', "[": '## #  #  #  ## ', "]": ' ##  #  #  # ##',
};

function glyph(ch: string): string {
  const g = GLYPHS[ch] ?? GLYPHS[ch.toUpperCase()] ?? GLYPHS['?'];
  return g.padEnd(15, ' ');
}

/** Draws text at (x, y) in the given colour, each font pixel `size` image pixels. */
export function drawText(img: RGBAImage, text: string, x: number, y: number, options?: { size?: number; color?: readonly number[] }): void {
  checkImage('drawText', 'img', img);
  checkString('drawText', 'text', text);
  int('drawText', 'x', x, -Number.MAX_SAFE_INTEGER);
  int('drawText', 'y', y, -Number.MAX_SAFE_INTEGER);
  const { size = 1, color = [0, 0, 0, 255] } = opts<{ size: number; color: readonly number[] }>('drawText', options, ['size', 'color']);
  int('drawText', 'size', size, 1, 1 << 12);
  checkColor('drawText', 'color', color);
  [...text].forEach((ch, i) => {
    const g = glyph(ch);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 3; c++) {
      if (g[r * 3 + c] !== '#') continue;
      for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) {
        const px = x + (i * 4 + c) * size + dx, py = y + r * size + dy;
        if (px >= 0 && py >= 0 && px < img.width && py < img.height) img.data.set(color, (py * img.width + px) * 4);
      }
    }
  });
}

export function textWidth(text: string, size = 1): number {
  checkString('textWidth', 'text', text);
  int('textWidth', 'size', size, 1, 1 << 12);
  return Math.max(0, text.length * 4 - 1) * size;
}

export interface GridTile {
  image: RGBAImage;
  label?: string;
}

export interface GridOptions {
  /** Tiles per row (default: ceil(sqrt(count))). */
  cols?: number;
  /** Integer enlargement of every tile (default 1). */
  zoom?: number;
  /** Pixels between tiles (default 2). */
  pad?: number;
  /** Font pixel size (default 1). */
  fontSize?: number;
  /** A caption above the grid. */
  title?: string;
}

/** Tiles of possibly different sizes in rows, each with its label under it. */
export function grid(tiles: readonly GridTile[], options?: GridOptions): RGBAImage {
  if (!Array.isArray(tiles) || tiles.length === 0) fail('grid', `tiles must be a non-empty array of { image, label? }, got ${show(tiles)}`);
  tiles.forEach((t, i) => {
    if (!isPlainObject(t)) fail('grid', `tiles[${i}] must be { image, label? }, got ${show(t)}`);
    checkImage('grid', `tiles[${i}].image`, t.image);
    if (t.label !== undefined) checkString('grid', `tiles[${i}].label`, t.label);
  });
  const { cols, zoom = 1, pad = 2, fontSize = 1, title } = opts<GridOptions>('grid', options, ['cols', 'zoom', 'pad', 'fontSize', 'title']);
  const n = tiles.length, c = cols ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(c) || c < 1) fail('grid', `cols must be a positive integer, got ${show(cols)}`);
  int('grid', 'zoom', zoom, 1, 1 << 12);
  int('grid', 'pad', pad, 0, 1 << 12);
  int('grid', 'fontSize', fontSize, 1, 1 << 12);
  if (title !== undefined) checkString('grid', 'title', title);
  const imgs = tiles.map((t) => scale(t.image, zoom));
  const labelH = tiles.some((t) => t.label) ? 5 * fontSize + 3 : 0;
  const cellW = Math.max(...imgs.map((i) => i.width), ...tiles.map((t) => textWidth(t.label ?? '', fontSize)));
  const titleH = title ? 5 * fontSize + 4 : 0;
  const rows = Math.ceil(n / c);
  // Each row as tall as its tallest tile (a column of layers of different sizes stays compact).
  const rowH = Array.from({ length: rows }, (_, r) => Math.max(...imgs.slice(r * c, (r + 1) * c).map((i) => i.height)) + labelH);
  const rowY = rowH.map((_, r) => titleH + pad + rowH.slice(0, r).reduce((a, b) => a + b + pad, 0));
  const out = blank(Math.max(pad + c * (cellW + pad), title ? textWidth(title, fontSize) + 2 * pad : 0), rowY[rows - 1] + rowH[rows - 1] + pad);
  if (title) drawText(out, title, pad, pad, { size: fontSize });
  imgs.forEach((img, i) => {
    const x0 = pad + (i % c) * (cellW + pad), y0 = rowY[Math.floor(i / c)];
    for (let y = 0; y < img.height; y++) out.data.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), ((y0 + y) * out.width + x0) * 4);
    const label = tiles[i].label;
    if (label) drawText(out, label, x0, y0 + img.height + 2, { size: fontSize });
  });
  return out;
}
