/** Validation: every problem names the layer (and where it is in the file) and says what is wrong. */
import { describe, expect, test, vi } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { GraphModule, SpecError, fromSpec, parseSpec, toSpec, type GraphSpec } from '../../src/spec/index.js';

const F = 'neocog.spec/1';
const graph = (layers: unknown[], extra: Record<string, unknown> = {}): GraphSpec => ({ format: F, inputs: { x: [1, 28, 28] }, layers, ...extra }) as GraphSpec;
const conv = { name: 'conv1', type: 'Conv2d', options: { inChannels: 1, outChannels: 6, kernelSize: 5 } };

/** The SpecError `fn` throws. */
function specError(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('expected a SpecError, nothing was thrown');
}

describe('unknown layer types list close matches', () => {
  test('graph form', () => {
    const e = specError(() => fromSpec(graph([{ ...conv, type: 'Conv2D' }])));
    expect(e.message).toBe("spec: layer 'conv1' (Conv2D) at layers[0]: unknown layer type 'Conv2D' (did you mean 'Conv2d' or 'Conv1d'?)");
    expect(e.layer).toBe('conv1');
    expect(e.path).toBe('layers[0]');
  });
  test('tree form, nested', () => {
    expect(() => fromSpec({ format: F, model: { type: 'Sequential', children: { '0': { type: 'Relu' } } } }))
      .toThrow("spec: layer '0' (Relu) at model.children.0: unknown layer type 'Relu' (did you mean 'ReLU' or 'ELU' or 'ReLU6'?)");
  });
  test('no close match', () => {
    expect(() => fromSpec(graph([{ ...conv, type: 'Xyzzy' }]))).toThrow("unknown layer type 'Xyzzy' (see layerTypes() for the known ones)");
  });
});

describe('bad options', () => {
  test("the constructor's own error, prefixed with the layer's name and path", () => {
    expect(() => fromSpec(graph([{ ...conv, options: { inChannels: 1, outChannels: 6, kernelSize: '5' } }])))
      .toThrow('spec: layer \'conv1\' (Conv2d) at layers[0]: Conv2d: kernelSize must be an integer, got "5"');
    expect(() => fromSpec(graph([{ ...conv, options: { inChannels: 1, outChannels: 6, kernelSize: 5, groups: 4 } }])))
      .toThrow("spec: layer 'conv1' (Conv2d) at layers[0]: Conv2d: inChannels (1) must be divisible by groups (4)");
  });
  test('tree form: the dotted module path and the document path', () => {
    const spec = { format: F, model: { type: 'Sequential', children: { features: { type: 'Sequential', children: { '0': { type: 'Linear', options: { inFeatures: -1, outFeatures: 2 } } } } } } };
    const e = specError(() => fromSpec(spec));
    expect(e.message).toBe("spec: layer 'features.0' (Linear) at model.children.features.children.0: Linear: inFeatures must be >= 0, got -1");
    expect(e.layer).toBe('features.0');
  });
  test('an unknown option name, with a suggestion and the list', () => {
    expect(() => fromSpec(graph([{ ...conv, options: { inChannels: 1, outChannels: 6, kernel_size: 5 } }])))
      .toThrow("spec: layer 'conv1' (Conv2d) at layers[0]: unknown option 'kernel_size' (did you mean 'kernelSize'?); Conv2d takes inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode");
  });
  test('a missing required option', () => {
    expect(() => fromSpec(graph([{ ...conv, options: { inChannels: 1, outChannels: 6 } }])))
      .toThrow("spec: layer 'conv1' (Conv2d) at layers[0]: missing required option 'kernelSize'");
  });
  test('children where the type takes none, and unknown child slots', () => {
    expect(() => fromSpec({ format: F, model: { type: 'ReLU', children: { a: { type: 'ReLU' } } } })).toThrow("spec: layer '(root)' (ReLU) at model: ReLU takes no children, got 'a'");
    expect(() => fromSpec({ format: F, model: { type: 'Residual', children: { bdy: { type: 'ReLU' } } } }))
      .toThrow("spec: layer '(root)' (Residual) at model: Residual has no child slot 'bdy' (did you mean 'body'?) (slots: body, shortcut, activation)");
    expect(() => fromSpec({ format: F, model: { options: {} } })).toThrow("spec: layer '(root)' at model: missing \"type\"");
  });
  test('merge nodes check their inputs and options', () => {
    expect(() => fromSpec(graph([{ name: 's', type: 'add', inputs: ['x'] }]))).toThrow("spec: layer 's' (add) at layers[0]: 'add' merges two or more inputs, got 1");
    expect(() => fromSpec(graph([{ name: 'c', type: 'concat', options: { axis: 1 }, inputs: ['x', 'x'] }]))).toThrow("spec: layer 'c' (concat) at layers[0]: unknown option 'axis' (concat takes dim)");
  });
  test('a layer given more inputs than its forward takes', () => {
    const spec = graph([conv, { name: 'c2', type: 'Conv2d', options: conv.options, inputs: ['x', 'x'] }, { name: 's', type: 'add', inputs: ['conv1', 'c2'] }]);
    expect(() => fromSpec(spec)).toThrow("spec: layer 'c2' (Conv2d) at layers[1]: Conv2d takes 1 input, got 2 (x, x): join branches with a merge layer ('add', 'mul' or 'concat')");
  });
});

describe('wiring', () => {
  test('a dangling input names the missing input and the layer', () => {
    const e = specError(() => fromSpec(graph([conv, { name: 'fc', type: 'Linear', options: { inFeatures: 1, outFeatures: 1 }, inputs: ['conv2'] }])));
    expect(e.message).toBe("spec: layer 'fc' (Linear) at layers[1]: input 'conv2' is not defined (did you mean 'conv1'?) (graph inputs and layers: x, conv1)");
    expect(e.layer).toBe('fc');
  });
  test('an unknown output', () => {
    expect(() => fromSpec(graph([conv], { outputs: ['conv'] }))).toThrow("spec: outputs: 'conv' is not a layer (did you mean 'conv1'?) (layers: conv1)");
  });
  test('duplicate names (between layers, and with an input)', () => {
    expect(() => fromSpec(graph([conv, { ...conv }]))).toThrow("spec: duplicate layer name 'conv1' at layers[0] and layers[1]");
    expect(() => fromSpec(graph([{ ...conv, name: 'x' }]))).toThrow("spec: layer 'x' at layers[0]: duplicate name: 'x' is also a graph input");
  });
  test('names that cannot be module names', () => {
    expect(() => fromSpec(graph([{ ...conv, name: 'conv.1' }]))).toThrow("spec: layer 'conv.1' at layers[0]: a layer name must be letters, digits, '_' or '-' (no '.' or ':')");
    expect(() => fromSpec(graph([{ ...conv, name: 'training' }]))).toThrow("spec: layer 'training' (Conv2d) at layers[0]: GraphModule.registerModule: attribute 'training' already exists (pick another layer name)");
  });
  test('cycles are named, in the direction data flows', () => {
    const spec = graph([conv, { name: 'a', type: 'ReLU', inputs: ['c'] }, { name: 'b', type: 'ReLU', inputs: ['a'] }, { name: 'c', type: 'add', inputs: ['b', 'conv1'] }], { outputs: ['c'] });
    expect(() => fromSpec(spec)).toThrow("spec: cycle between layers: a -> b -> c -> a (a layer's output can't flow back into its own inputs)");
    expect(() => fromSpec(graph([{ name: 'a', type: 'add', inputs: ['x', 'a'] }]))).toThrow('spec: cycle between layers: a -> a');
  });
  test('unused layers are an error by default, a warning or nothing on request', () => {
    const spec = graph([conv, { name: 'aux', type: 'ReLU', inputs: ['conv1'] }, { name: 'out', type: 'Tanh', inputs: ['conv1'] }]);
    expect(() => fromSpec(spec)).toThrow("spec: layer 'aux' (ReLU) at layers[1]: its output is never used (no output depends on it); remove it, use it, or build with { unused: 'warn' }");
    const warnings: string[] = [];
    const g = fromSpec(spec, { unused: 'warn', onWarning: (m) => warnings.push(m) }) as GraphModule;
    expect(warnings).toEqual(["spec: layer 'aux' (ReLU) at layers[1]: its output is never used (no output depends on it)"]);
    expect(g.namedChildren().map(([k]) => k)).toEqual(['conv1', 'aux', 'out']);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    fromSpec(spec, { unused: 'ignore' });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
  test('unused graph inputs', () => {
    expect(() => fromSpec({ format: F, inputs: { x: [1], y: [1] }, layers: [{ name: 'r', type: 'ReLU', inputs: ['x'] }] })).toThrow("spec: graph input 'y' is never used");
  });
  test('a layer without inputs in a graph with several inputs', () => {
    expect(() => fromSpec({ format: F, inputs: { a: [1], b: [1] }, layers: [{ name: 's', type: 'ReLU' }] }))
      .toThrow("spec: layer 's' (ReLU) at layers[0]: no \"inputs\" given and the graph has 2 inputs (a, b): say which it takes");
  });
  test('bad input shapes', () => {
    expect(() => fromSpec({ format: F, inputs: { x: '1,28,28' }, layers: [conv] })).toThrow("spec: input 'x' shape must be an array of non-negative integers without the batch dim, e.g. [1, 28, 28], got \"1,28,28\"");
  });
});

describe('shape mismatches found by running the model on zeros', () => {
  test('graph form: the failing layer and its input shapes', () => {
    const e = specError(() => fromSpec(graph([conv, { name: 'flat', type: 'Flatten' }, { name: 'fc1', type: 'Linear', options: { inFeatures: 100, outFeatures: 10 } }])));
    expect(e.message).toMatch(/^spec: layer 'fc1' \(Linear\): linear: input has 3456 features but weight expects 100 .* \(input shapes: \[1,3456\]\)$/);
    expect(e.layer).toBe('fc1');
    expect(e.cause).toBeInstanceOf(Error);
  });
  test('graph form: a merge of mismatched shapes', () => {
    expect(() => fromSpec(graph([conv, { name: 'sum', type: 'add', inputs: ['conv1', 'x'] }])))
      .toThrow(/^spec: layer 'sum' \(add\): add: shapes \[1,6,24,24\] and \[1,1,28,28\] cannot be broadcast together/);
    expect(() => fromSpec(graph([conv, { name: 'cat', type: 'concat', inputs: ['conv1', 'x'] }]))).toThrow(/^spec: layer 'cat' \(concat\): cat: /);
  });
  test('graph form: asking for an output a layer does not have', () => {
    expect(() => fromSpec(graph([{ name: 'p', type: 'MaxPool2d', options: { kernelSize: 2 } }, { name: 'r', type: 'ReLU', inputs: ['p:1'] }])))
      .toThrow("spec: layer 'r' (ReLU): 'p:1' asks for output 1, but 'p' has one output");
    expect(() => fromSpec(graph([{ name: 'p', type: 'MaxPool2d', options: { kernelSize: 2, returnIndices: true } }, { name: 'r', type: 'ReLU', inputs: ['p:2'] }])))
      .toThrow("spec: layer 'r' (ReLU): 'p:2' asks for output 2, but 'p' has 2 outputs (0..1)");
  });
  test('tree form with declared inputs: the innermost module that failed', () => {
    const model = new nn.Sequential(new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.Flatten()), new nn.Linear(10, 2));
    const spec = toSpec(model, { inputShape: [1, 8, 8] });
    expect(() => fromSpec(spec)).toThrow(/^spec: layer '1' \(Linear\): linear: input has 144 features but weight expects 10 .* \(checking the model on zeros of shape \[1,1,8,8\]\)$/);
    const bad = toSpec(new nn.Sequential(new nn.Sequential(new nn.Conv2d(3, 4, 3))), { inputShape: [1, 8, 8] });
    expect(() => fromSpec(bad)).toThrow(/^spec: layer '0\.0' \(Conv2d\): conv2d: /);
    expect(() => fromSpec(spec, { checkShapes: false })).not.toThrow();
  });
});

describe('format and document', () => {
  test('missing, unknown and unsupported format versions', () => {
    expect(() => fromSpec({ inputs: { x: [1] }, layers: [] })).toThrow('spec: missing "format" (expected "neocog.spec/1")');
    expect(() => fromSpec({ format: 'neocog.spec/2', model: { type: 'ReLU' } })).toThrow('spec: unsupported format version 2 ("neocog.spec/2"): this neocog reads version 1 ("neocog.spec/1")');
    expect(() => fromSpec({ format: 'keras', model: { type: 'ReLU' } })).toThrow('spec: unknown format "keras", expected "neocog.spec/1"');
    expect(() => fromSpec({ format: 'neocog.model', model: { type: 'ReLU' } })).toThrow('(that is a model description from describeModel, not a spec: write specs with toSpec)');
  });
  test('one of the two forms, and known top-level keys', () => {
    expect(() => fromSpec({ format: F, model: { type: 'ReLU' }, layers: [] })).toThrow('spec: a spec has either "model" (tree form) or "layers" (graph form), not both');
    expect(() => fromSpec({ format: F })).toThrow('spec: a spec needs "model" (tree form: a module tree) or "layers" (graph form: named layers wired by inputs)');
    expect(() => fromSpec({ format: F, model: { type: 'ReLU' }, input: { x: [1] } })).toThrow('spec: unknown top-level key "input" (did you mean \'inputs\'?)');
    expect(() => fromSpec({ format: F, inputs: { x: [1] }, layers: [] })).toThrow('spec: "layers" must be a non-empty array of layers');
    expect(() => fromSpec([1, 2])).toThrow('spec: expected a spec object');
  });
  test('parse errors name the file', () => {
    expect(() => parseSpec('{ "format": "neocog.spec/1", }', 'net.json')).toThrow(/^spec: net\.json: invalid JSON: /);
    expect(() => parseSpec('format: neocog.spec/1\nmodel:\n  type: [ReLU\n', 'net.yaml')).toThrow(/^spec: net\.yaml: invalid YAML: .*line 4/);
    expect(() => parseSpec('format: neocog.spec/9\nmodel: {type: ReLU}\n', 'net.yaml')).toThrow('spec: net.yaml: unsupported format version 9');
  });
});

describe('toSpec refuses what a spec cannot hold', () => {
  test('a Lambda (a JavaScript function)', () => {
    expect(() => toSpec(new nn.Sequential(new nn.Lambda((x) => x)))).toThrow("spec: toSpec: layer '0' (Lambda): a Lambda wraps a JavaScript function, which a spec can't hold");
  });
  test('a module class that is not a registered layer type', () => {
    class MyNet extends nn.Sequential {}
    expect(() => toSpec(new nn.Sequential(new nn.ReLU(), new MyNet()))).toThrow("spec: toSpec: module '1' is a MyNet, which is not a registered layer type");
  });
  test('shared modules', () => {
    const r = new nn.ReLU();
    expect(() => toSpec(new nn.Sequential(new nn.Sequential(r), new nn.Sequential(r)))).toThrow("spec: toSpec: module '1.0' (ReLU) is the same object as '0.0': a spec can't express shared modules");
    expect(() => toSpec(new nn.Sequential(r, r))).toThrow("spec: toSpec: module '(root)' (Sequential) runs a child twice");
  });
});
