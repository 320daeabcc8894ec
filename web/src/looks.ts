/**
 * Where the net looks (in the worker): for one input and its top class, the input-gradient saliency
 * |dScore/dx| and Grad-CAM on the last spatial conv layer over the input, as RGBA pictures from
 * neocog's inspect and render modules.
 */
import * as nc from 'neocog';
import type { Looks, Picture } from './protocol';

type Model = nc.nn.Module<[nc.Tensor], nc.Tensor>;

const picture = (img: nc.render.RGBAImage): Picture => ({ width: img.width, height: img.height, data: img.data });

export function looks(model: Model, pixels: Float32Array, target: number): Looks {
  return nc.tidy(() => {
    const x = nc.fromArray(pixels, [1, 1, 28, 28]);
    const grad = nc.inspect.attribution(model, x, target, { method: 'gradient' }).attribution;
    const saliency = picture(nc.render.mapImage(grad, { reduce: 'maxAbs' }));
    try {
      const cam = nc.inspect.gradCam(model, x, target);
      return { target, saliency, gradCam: { layer: cam.layer, picture: picture(nc.render.mapImage(cam.map, { cmap: 'viridis', over: x, alpha: 0.55 })) }, note: '' };
    } catch (e) {
      return { target, saliency, gradCam: null, note: (e as Error).message };
    }
  });
}
