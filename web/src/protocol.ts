/** Messages between the page and the training worker. The worker owns the model; the page only draws. */
export type DatasetName = 'mnist' | 'fashion' | 'files';
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop';
export type Augment = 'none' | 'shift' | 'affine';

export interface Settings {
  dataset: DatasetName;
  /** A zoo model name, or 'custom' for `spec`. */
  model: string;
  spec: string;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  augment: Augment;
  /** Held-out evaluation every this many steps. */
  evalEvery: number;
}

export type ToWorker =
  | { type: 'init'; settings: Settings; dataBase: string }
  | { type: 'settings'; settings: Settings }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'reset'; settings: Settings }
  | { type: 'checkSpec'; id: number; text: string }
  | { type: 'specOf'; id: number; model: string }
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'evaluate' }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array; source: string }
  | { type: 'idbSave'; name: string }
  | { type: 'idbLoad'; name: string }
  | { type: 'idbList' }
  | { type: 'data'; train: ImageSetLite; test: ImageSetLite }
  | { type: 'embed'; method: EmbedMethod }
  | { type: 'onnx' };

export type EmbedMethod = 'tsne' | 'pca';

/** An RGBA picture made by neocog's render module (width * height * 4 bytes). */
export interface Picture {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Where the net looks for its top class: input-gradient saliency, and Grad-CAM over the input (null when the model has no conv layer). */
export interface Looks {
  target: number;
  saliency: Picture;
  gradCam: { layer: string; picture: Picture } | null;
  note: string;
}

/** Held-out images mapped to 2-D from the penultimate layer, drawn as a scatter plot coloured by class. */
export interface EmbeddingMap {
  epoch: number;
  method: EmbedMethod;
  layer: string;
  count: number;
  /** Leave-one-out 5-NN accuracy on the 2-D map, and on the layer's own features. */
  knn: number;
  featureKnn: number;
  ms: number;
  picture: Picture;
}

/** A dataset the page opened from disk (28x28 grey images, uint8, with labels). */
export interface ImageSetLite {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export interface SummaryRowLite {
  name: string;
  type: string;
  outputShape: number[];
  params: number;
  flops: number;
}

export interface Map2D {
  name: string;
  type: string;
  /** [C, H, W] of the layer output (the first channels are sent). */
  shape: [number, number, number];
  channels: number;
  data: Float32Array;
}

export type FromWorker =
  | { type: 'ready'; backend: string; threads: number; isolated: boolean; zoo: { name: string; description: string }[]; datasets: Record<'mnist' | 'fashion', { train: number; test: number; classes: string[] }> }
  | { type: 'model'; name: string; summary: { rows: SummaryRowLite[]; totalParams: number; totalFlops: number } }
  | { type: 'progress'; step: number; epoch: number; loss: number; acc: number; imagesPerSecond: number; running: boolean; lr: number; workerJobs: number }
  | { type: 'eval'; step: number; epoch: number; loss: number; acc: number; confusion: number[][]; wrong: { label: number; pred: number }[]; wrongPicture: Picture }
  | { type: 'filters'; shape: number[]; data: Float32Array }
  | { type: 'spec'; id: number; ok: true; summary: { rows: SummaryRowLite[]; totalParams: number; totalFlops: number } }
  | { type: 'spec'; id: number; ok: false; error: string }
  | { type: 'specText'; id: number; text: string }
  | { type: 'prediction'; id: number; probs: number[]; maps: Map2D[]; looks: Looks | null }
  | { type: 'embedding'; map: EmbeddingMap }
  | { type: 'onnx'; bytes: Uint8Array }
  | { type: 'saved'; bytes: Uint8Array }
  | { type: 'loaded'; source: string }
  | { type: 'idb'; models: { name: string; bytes: number; savedAt: number }[]; note?: string }
  | { type: 'error'; message: string };

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const DEFAULTS: Settings = {
  dataset: 'mnist', model: 'mnist-convnet', spec: '', optimizer: 'adam', lr: 0.002, batchSize: 32, augment: 'none', evalEvery: 100,
};
