/** Node-only: RGBA pictures as PNG files, and inspect.report's self-contained HTML page. */
import { PNG } from 'pngjs';
import { writeFileAtomic } from '../io/atomic.js';
import type { Tensor } from '../tensor/tensor.js';
import type { AnyModule } from '../nn/module.js';
import { Conv1d, Conv2d } from '../nn/conv.js';
import { activations, filters } from '../inspect/layers.js';
import { filterGrid, mapsGrid } from '../render/views.js';
import { panels, type PanelsOptions } from '../render/panels.js';
import type { RGBAImage } from '../render/image.js';
import { checkImage, checkString } from '../render/check.js';

export function encodeRgbaPng(img: RGBAImage): Buffer {
  checkImage('render.encodeRgbaPng', 'img', img);
  if (img.data.length !== img.width * img.height * 4) throw new Error(`encodeRgbaPng: ${img.data.length} bytes for a ${img.width}x${img.height} RGBA image`);
  return PNG.sync.write({ width: img.width, height: img.height, data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength) } as unknown as PNG, { colorType: 6 });
}

/** Writes an RGBA image as a PNG file atomically. */
export function writeRgbaPng(path: string, img: RGBAImage): void {
  checkString('render.writeRgbaPng', 'path', path);
  checkImage('render.writeRgbaPng', 'img', img);
  writeFileAtomic(path, encodeRgbaPng(img));
}

const dataUri = (img: RGBAImage): string => `data:image/png;base64,${encodeRgbaPng(img).toString('base64')}`;
const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface ReportOptions extends Omit<PanelsOptions, 'target'> {
  /** Where the HTML goes. */
  path: string;
  title?: string;
  /** Names for the images (default: image 0, image 1, ...). */
  names?: readonly string[];
  /** True labels, to mark right and wrong predictions. */
  labels?: readonly number[];
  classes?: readonly string[];
}

/** One HTML page (images inlined) with the first conv's filters, the feature maps of the first image at every conv, and every method's view of each image. */
export function report(model: AnyModule, images: readonly Tensor[], opts: ReportOptions): { path: string; images: number } {
  if (!opts || typeof opts.path !== 'string') throw new Error('inspect.report: options.path (the HTML file to write) is required');
  if (!Array.isArray(images) || images.length === 0) throw new Error('inspect.report: images must be a non-empty array of [C,H,W] tensors');
  const { path, title = 'neocog inspect report', names, labels, classes, ...panelOpts } = opts;
  const cls = (i: number) => classes?.[i] ?? String(i);
  const parts: string[] = [];
  const f = filters(model);
  parts.push(`<h2>Filters of ${esc(f.layer)}</h2><img src="${dataUri(filterGrid(f.weight, { zoom: 8, motifs: f.motifs, alphabet: f.alphabet }))}">`);
  const convs = model.namedModules().filter(([, m]) => m instanceof Conv1d || m instanceof Conv2d).map(([n]) => n);
  if (images[0].ndim === 3 && convs.length) {
    const acts = activations(model, images[0].unsqueeze(0), convs);
    parts.push(`<h2>Feature maps of ${esc(names?.[0] ?? 'image 0')}</h2>`);
    for (const l of convs) parts.push(`<figure><img src="${dataUri(mapsGrid(acts[l]))}"><figcaption>${esc(l)} ${esc(JSON.stringify(acts[l].shape))}</figcaption></figure>`);
  }
  parts.push('<h2>Explanations of the predicted class (each caption names the layer used)</h2>');
  images.forEach((img, i) => {
    const p = panels(model, img, panelOpts);
    const truth = labels?.[i];
    const verdict = truth === undefined ? '' : truth === p.predicted ? ' <span class="ok">right</span>' : ` <span class="bad">wrong (true: ${esc(cls(truth))})</span>`;
    parts.push(`<h3>${esc(names?.[i] ?? `image ${i}`)}: predicted ${esc(cls(p.predicted))} (${(100 * p.probability).toFixed(1)}%)${verdict}</h3><div class="row">`);
    for (const q of p.panels) parts.push(`<figure><img src="${dataUri(q.image)}"><figcaption><b>${esc(q.method)}</b><br>${esc(q.note)}</figcaption></figure>`);
    parts.push('</div>');
  });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}figure{display:inline-block;margin:4px;text-align:center;vertical-align:top}
figcaption{font-size:12px;max-width:200px}img{image-rendering:pixelated}.ok{color:#2a2}.bad{color:#c22}.row{display:flex;flex-wrap:wrap}
</style></head><body><h1>${esc(title)}</h1>
<p>Colours: viridis for magnitudes (Grad-CAM, |gradient|), blue-white-red centred on 0 for signed maps (blue negative, red positive).</p>
${parts.join('\n')}</body></html>`;
  writeFileAtomic(path, html);
  return { path, images: images.length };
}
