/**
 * Every inspect view of one input as labelled RGBA panels (browser-safe): what the CLI writes as PNG
 * files and inspect.report puts on one HTML page.
 */
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';
import { softmax } from '../ops/activation.js';
import { Module, type AnyModule } from '../nn/module.js';
import { attribution, ATTRIBUTION_METHODS, type AttributionMethod } from '../inspect/attribution.js';
import { gradCam, gradCamPlusPlus } from '../inspect/gradcam.js';
import { occlusion } from '../inspect/occlusion.js';
import { deconvProjection } from '../inspect/deconv.js';
import { inspecting } from '../inspect/common.js';
import { fromTensor, scale, type RGBAImage } from './image.js';
import { mapImage } from './views.js';
import { show } from '../ops/args.js';
import { checkTensor, fail, int, opts } from './check.js';

export type PanelMethod = AttributionMethod | 'gradCam' | 'gradCamPlusPlus' | 'occlusion' | 'deconvProjection';
export const PANEL_METHODS: readonly PanelMethod[] = [...ATTRIBUTION_METHODS, 'gradCam', 'gradCamPlusPlus', 'occlusion', 'deconvProjection'];

export interface Panel {
  method: PanelMethod | 'input';
  image: RGBAImage;
  /** A one-line caption (the layer used, the completeness error, ...). */
  note: string;
}

export interface PanelsOptions {
  methods?: readonly PanelMethod[];
  /** Class to explain (default: the predicted class). */
  target?: number;
  /** Layer for Grad-CAM and the deconvnet projection (default: the last conv). */
  layer?: string;
  zoom?: number;
  /** Occlusion window (default: a seventh of the image side, at least 2) and stride 1. */
  window?: number;
}

export interface Panels {
  predicted: number;
  probability: number;
  target: number;
  panels: Panel[];
}

/** One image [C,H,W] with values in [0,1]: its prediction and a panel per method. */
export function panels(model: AnyModule, image: Tensor, options?: PanelsOptions): Panels {
  if (!(model instanceof Module)) fail('panels', `model must be an nn.Module, got ${show(model)}`);
  checkTensor('panels', 'image', image);
  const { methods = PANEL_METHODS, target, layer, zoom = 6, window } = opts<PanelsOptions>('panels', options, ['methods', 'target', 'layer', 'zoom', 'window']);
  if (!Array.isArray(methods)) fail('panels', `methods must be an array of method names, got ${show(methods)}`);
  int('panels', 'zoom', zoom, 1, 1 << 12);
  if (target !== undefined) int('panels', 'target', target, 0);
  if (window !== undefined) int('panels', 'window', window, 1);
  if (layer !== undefined && typeof layer !== 'string') fail('panels', `layer must be a dotted module name (a string), got ${show(layer)}`);
  if (image.ndim !== 3) throw new Error(`render.panels: expected one image [C,H,W], got [${image.shape.join(',')}]`);
  for (const m of methods) if (!PANEL_METHODS.includes(m)) throw new Error(`render.panels: unknown method '${String(m)}' (use ${PANEL_METHODS.join(', ')})`);
  const x = image.unsqueeze(0);
  const probs = inspecting(model, () => noGrad(() => softmax(model.call(x) as Tensor, 1))).dataSync();
  let predicted = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[predicted]) predicted = i;
  const t = target ?? predicted;
  const out: Panel[] = [{ method: 'input', image: scale(fromTensor(image), zoom), note: `predicted ${predicted} (${(100 * probs[predicted]).toFixed(1)}%)` }];
  const side = Math.min(...image.shape.slice(1));
  for (const method of methods) {
    if (method === 'gradCam' || method === 'gradCamPlusPlus') {
      const r = (method === 'gradCam' ? gradCam : gradCamPlusPlus)(model, x, t, { layer });
      out.push({ method, image: mapImage(r.map, { over: image, zoom, cmap: 'viridis' }), note: `layer ${r.layer}` });
    } else if (method === 'occlusion') {
      const w = window ?? Math.max(2, Math.round(side / 7));
      const r = occlusion(model, x, t, { window: w, stride: 1 });
      out.push({ method, image: mapImage(r.attribution.slice(1, 0, 1), { zoom }), note: `window ${w}, score drop` });
    } else if (method === 'deconvProjection') {
      const r = deconvProjection(model, x, { layer });
      out.push({ method, image: mapImage(r.projection, { zoom }), note: `layer ${r.layer} map ${r.channel[0]}` });
    } else {
      const r = attribution(model, x, t, { method });
      const note = method === 'integratedGradients' ? `completeness error ${r.completenessError![0].toExponential(1)} of ${r.scoreDelta![0].toFixed(2)}` : method === 'gradient' ? '|dS/dx|' : '';
      out.push({ method, image: mapImage(r.attribution, { zoom, reduce: method === 'gradient' || method === 'smoothGrad' ? 'maxAbs' : 'sum' }), note });
    }
  }
  return { predicted, probability: probs[predicted], target: t, panels: out };
}
