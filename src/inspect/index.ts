/** Interpretation: see inside a CNN (browser-safe data functions; pictures in src/render, files in src/node). */
export { attribution, inputGradient, ATTRIBUTION_METHODS, type AttributionMethod, type AttributionOptions, type Attribution } from './attribution.js';
export { gradCam, gradCamPlusPlus, type GradCam, type GradCamOptions } from './gradcam.js';
export { occlusion, type Occlusion, type OcclusionOptions } from './occlusion.js';
export { deconvProjection, type DeconvProjection, type DeconvOptions } from './deconv.js';
export { filters, activations, type Filters } from './layers.js';
export { withReluRule, RELU_RULES, type ReluRule } from '../autograd/relu-rule.js';
export { embed, layerFeatures, EMBED_METHODS, type EmbedMethod, type EmbedOptions, type Embedding } from './embed.js';
export { pca } from './pca.js';
export { tsne, knnAccuracy, nearestNeighbours, type TsneOptions } from './tsne.js';
export { umap, fitAB, type UmapOptions } from './umap.js';
export { reduceDims } from './reduce.js';
export { maximize, type MaximizeOptions, type Maximized } from './maximize.js';
export { weightRandomization, spearman, type RandomizationOptions, type RandomizationResult, type SanityMethod } from './sanity.js';
