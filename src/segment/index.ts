/**
 * neocog segment: per-pixel models on whole images. Samples (image, mask, field of view), readers
 * (DRIVE, ISBI 2012, images/ + masks/ folders; Node), preprocessing, joint augmentation, patches,
 * losses, U-Net border weights, sliding-window inference, metrics (pixel, ISBI V_rand / V_info), overlays.
 */
export { type SegSample, type SampleTransform, checkSample, composeSample } from './sample.js';
export { readDrive, readIsbi2012, readSegmentationFolder, readSample, readBinaryMask, type DriveOptions, type IsbiOptions, type FolderOptions, type ReadSampleOptions } from './readers.js';
export { greenChannel, toGrey, rescale, gamma, standardize, datasetStats, clahe, preprocessByName, PREPROCESS, type ClaheOptions, type PreprocessName } from './preprocess.js';
export { augmentSample, elasticField, type AugmentOptions } from './augment.js';
export { PatchDataset, cropSample, type PatchOptions, type PatchWhere } from './patches.js';
export { bceLoss, softDiceLoss, segLoss, diceMetric, SEG_LOSSES, type SegLossName, type SegLossOptions, type SoftDiceOptions } from './losses.js';
export { borderWeightMap, squaredDistanceTransform, type BorderWeightOptions } from './border-weights.js';
export { slidingWindow, tileStarts, type SlidingWindowOptions } from './inference.js';
export { collectPixels, thresholdMetrics, rocAuc, precisionRecallAuc, segmentationMetrics, type PixelSet, type ThresholdMetrics, type SegMetrics } from './metrics.js';
export { connectedComponents, isbiScoresFromLabels, foregroundRestrictedScores, type IsbiScores } from './rand.js';
export { overlayRgb } from './overlay.js';
