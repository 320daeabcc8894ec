/** Bad .onnx files: truncations, byte flips, unknown ops, missing initializers, cycles, absurd dims -> OnnxError, fast. */
import { describe, expect, it } from 'vitest';
import { models, manualSeed, nn, F, randn, type Tensor } from '../../src/index.js';
import { exportOnnxBytes } from '../../src/io/onnx/export.js';
import { importOnnxBytes } from '../../src/io/onnx/import.js';
import { ModelProtoType } from '../../src/io/onnx/schema.js';
import { OnnxError } from '../../src/io/onnx/tensor-proto.js';

manualSeed(7);
const good = exportOnnxBytes(models.get('mnist-convnet', {}), { input: [1, 1, 28, 28] });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const edit = (f: (m: any) => void) => {
  const m = ModelProtoType.toObject(ModelProtoType.decode(good));
  f(m);
  return ModelProtoType.encode(ModelProtoType.fromObject(m)).finish();
};
const expectOnnxError = (bytes: Uint8Array, re: RegExp) => {
  try {
    importOnnxBytes(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(OnnxError);
    expect((e as Error).message).toMatch(re);
    return;
  }
  throw new Error('no error');
};

describe('importOnnx on bad files', () => {
  it('names unknown operators, the node, the opset and the supported set', () => {
    expectOnnxError(edit((m) => { m.graph.node[0].opType = 'FancyOp'; }), /node 0 \(FancyOp.*operator FancyOp \(opset 17\) is not supported; supported operators: .*Conv/);
  });
  it('reports a missing initializer', () => {
    expectOnnxError(edit((m) => { m.graph.initializer.splice(0, 1); }), /reads '.*', which is not a graph input, an initializer, or any node's output/);
  });
  it('reports cycles', () => {
    expectOnnxError(edit((m) => { const n = m.graph.node; n[0].input[0] = n[n.length - 1].output[0]; }), /cycle/);
  });
  it('rejects shapes whose product overflows before allocating', () => {
    expectOnnxError(edit((m) => { m.graph.initializer[0].dims = [1e9, 1e9, 1e9]; }), /more than \d+ elements/);
    expectOnnxError(edit((m) => { m.graph.initializer[0].dims = [-5]; }), /invalid dim -5/);
    expectOnnxError(edit((m) => { m.graph.initializer[0].dims = [3, 7]; }), /raw_data holds \d+ bytes but dims \[3,7\]/);
  });
  it('refuses ops whose outputs would be absurdly large, before allocating', () => {
    class Up extends nn.Module {
      forward(x: Tensor) {
        return F.pad(F.interpolate(x, { scaleFactor: 2 }), [1, 1, 1, 1]);
      }
    }
    const bytes = exportOnnxBytes(new Up(), { input: [1, 1, 4, 4] });
    const huge = (f: (m: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const m = ModelProtoType.toObject(ModelProtoType.decode(bytes));
      f(m);
      return importOnnxBytes(ModelProtoType.encode(ModelProtoType.fromObject(m)).finish());
    };
    const scales = (m: any) => m.graph.initializer.find((t: any) => t.dims?.length === 1 && Number(t.dims[0]) === 4 && t.dataType === 1); // eslint-disable-line @typescript-eslint/no-explicit-any
    const run = (model: ReturnType<typeof importOnnxBytes>) => model.call(randn([1, 1, 4, 4]));
    const big = huge((m) => { scales(m).rawData = new Uint8Array(new Float32Array([1, 1, 1e6, 1e6]).buffer); });
    expect(() => run(big)).toThrow(/more than \d+ elements|invalid/);
    const pads = huge((m) => { const p = m.graph.initializer.find((t: any) => t.dataType === 7 && Number(t.dims[0]) === 8); p.rawData = new Uint8Array(new BigInt64Array([0n, 0n, 1n << 20n, 1n << 20n, 0n, 0n, 1n << 20n, 1n << 20n]).buffer); }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(() => run(pads)).toThrow(/more than \d+ elements/);
  });
  it('seeded truncations and byte flips give OnnxError or a valid model, never a crash or hang', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 200; k++) {
      const bytes = k % 2 === 0 ? good.slice(0, Math.floor(rand() * good.length)) : good.slice();
      if (k % 2 === 1) for (let j = 0; j < 4; j++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        importOnnxBytes(bytes);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(OnnxError);
      }
    }
  });
});
