/** The browser-safe part of neocog spec: everything but reading and writing spec files (./files.ts). */
export { toSpec, fromSpec, checkSpec, parseSpec, toSpecJson, toSpecYaml, type ToSpecOptions, type FromSpecOptions } from './api.js';
export { GraphModule, type GraphBuildOptions } from './graph.js';
export { registerLayer, layerType, layerTypes, typeOfModule, typeOfClass, MERGE_TYPES, type LayerType, type ChildModules, type ChildrenRule } from './registry.js';
export {
  SPEC_FORMAT, SPEC_VERSION, SpecError, closeMatches, isGraphSpec,
  type Spec, type TreeSpec, type GraphSpec, type NodeSpec, type LayerSpec, type InputShapes, type SpecOptions, type JsonValue,
} from './types.js';
