/**
 * Pictures of a prediction against the reference, as RGB float images [3,H,W] for writePng:
 *   overlay      true positive white, false positive red, false negative blue, true negative black;
 *                outside the field of view dark grey
 *   probability  the map itself in grey
 */
import { checkFinite, checkHW, checkMap } from './check.js';

export function overlayRgb(prob: Float32Array, mask: Uint8Array, region: Uint8Array | null, h: number, w: number, threshold = 0.5): Float32Array {
  checkMap('overlayRgb', 'prob', prob);
  checkMap('overlayRgb', 'mask', mask);
  if (region !== null && region !== undefined) checkMap('overlayRgb', 'region', region);
  checkHW('overlayRgb', h, w);
  checkFinite('overlayRgb', 'threshold', threshold);
  if (prob.length !== h * w || mask.length !== h * w) throw new Error(`overlayRgb: expected ${h}x${w} maps, got ${prob.length} and ${mask.length} values`);
  const hw = h * w;
  const out = new Float32Array(3 * hw);
  for (let p = 0; p < hw; p++) {
    let rgb: [number, number, number];
    if (region && !region[p]) rgb = [0.15, 0.15, 0.15];
    else {
      const pred = prob[p] >= threshold;
      rgb = mask[p] ? (pred ? [1, 1, 1] : [0.2, 0.45, 1]) : pred ? [1, 0.2, 0.2] : [0, 0, 0];
    }
    out[p] = rgb[0];
    out[hw + p] = rgb[1];
    out[2 * hw + p] = rgb[2];
  }
  return out;
}
