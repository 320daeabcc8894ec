/**
 * Model specs: a declarative JSON / YAML description of a network ("neocog.spec/1") in two forms, the
 * tree form toSpec writes for any module tree and the hand-written graph form (Keras-functional
 * style). See docs/SPEC.md.
 */
export { toSpec, fromSpec, checkSpec, parseSpec, toSpecJson, toSpecYaml, type ToSpecOptions, type FromSpecOptions } from './api.js';
export { loadSpec, saveSpec, loadSpecModel, isSpecPath } from './files.js';
export { GraphModule, type GraphBuildOptions } from './graph.js';
export { registerLayer, layerType, layerTypes, typeOfModule, typeOfClass, MERGE_TYPES, type LayerType, type ChildModules, type ChildrenRule } from './registry.js';
export {
  SPEC_FORMAT, SPEC_VERSION, SpecError, closeMatches, isGraphSpec,
  type Spec, type TreeSpec, type GraphSpec, type NodeSpec, type LayerSpec, type InputShapes, type SpecOptions, type JsonValue,
} from './types.js';
