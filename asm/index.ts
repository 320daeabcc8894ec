// AssemblyScript entry point of the wasm backend's kernels (built by `npm run build:wasm`).
// Not part of the TypeScript project: asc compiles it to src/backends/wasm/gen/*.wasm.
export { heapBase, bpFloats, gemm, gemvPanels, packBlocks, zero } from './gemm';
export { packA, packB, packIm2col, packIm2colT } from './pack';
export { col2im, dwConv, dwConvBackpropInput, dwConvBackpropFilter } from './conv';
export { maxPool, avgPool, avgPoolGrad, scatterPlane, scatterPlane2x2 } from './pool';
export { binary, relu, sumAxes } from './elementwise';
export { padImage, convTaps, convTilesOut, convPoolOut, convEpilogue, denseEpilogue, gatherColumns, packDyPanels, convFilterTaps, convAdjointTiles } from './direct';
export { filterGradAcc, filterGradReduce } from './filtergrad';
export { reluGrad, sumMiddle, addTo } from './elementwise';
export { winoInput, winoOutput, winoGradTransform, winoFilter, winoFilterGrad } from './winograd';
export { wino4Input, wino4Output, wino4Filter, wino4GradTransform, wino4FilterGrad } from './winograd4';
export { expf, tanhf, sigmoidf } from './transcendental';
export { extremeRows, extremeMiddle, extremeAxes, argRows, argMiddle } from './reduce';
export { adaptiveAvgPool, adaptiveAvgPoolGrad, adaptiveMaxPool } from './pool';
export { resize2D, resize2DGrad } from './resize';
export { bnTrain, bnTrainGrad } from './norm';
export { sgdStep, adamStep } from './optim';
export { stridedCopy, copyRows } from './layout';
export { softmaxSlices } from './softmax';
export { nllLoss, nllLossGrad } from './loss';
