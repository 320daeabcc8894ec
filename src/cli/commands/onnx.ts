/**
 * `neocog export`: a registry model, spec file or .onnx model (with trained weights) to an ONNX file.
 * `neocog import`: an ONNX file to a folder the other commands read: model.onnx (the graph) and
 * model.safetensors; where the graph is a chain of nn layers, also model.spec.json (and the weights
 * under the spec's names), else the weights under the graph's names for `--model <dir>/model.onnx`.
 */
import type { Command } from 'commander';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportOnnx, importOnnx } from '../../io/onnx/file.js';
import { MAX_OPSET, MIN_OPSET } from '../../io/onnx/export.js';
import { saveSafetensors, loadModel } from '../../io/index.js';
import { CliError, oneLine } from '../errors.js';
import { type CliIO, println } from '../io.js';
import { positiveInt, shape } from '../parse.js';
import { modelArg, resolveModel } from '../model-ref.js';
import { resolveWeights } from '../weights.js';
import { toLayers } from '../../io/onnx/to-layers.js';
import { saveSpec, toSpec } from '../../spec/index.js';
import { randn } from '../../tensor/creation.js';

interface ExportFlags { model: string; weights?: string; onnx: string; input?: number[]; batch: number; opset: number; staticBatch?: boolean }

export function registerOnnx(program: Command, io: CliIO): void {
  program
    .command('export')
    .description('write a model (registry name, spec file or .onnx) with its weights as an ONNX file')
    .requiredOption('--model <name>', 'a model name, a model spec file, or an .onnx file', modelArg)
    .option('--weights <path>', 'model.safetensors or a `neocog train` --out folder (default: freshly initialised weights)')
    .requiredOption('--onnx <path>', 'the ONNX file to write')
    .option('--input <shape>', "input shape without the batch dim (default: the model's)", shape)
    .option('--batch <n>', 'batch size to trace with', positiveInt, 1)
    .option('--opset <n>', `ONNX opset (${MIN_OPSET}..${MAX_OPSET})`, positiveInt, 17)
    .option('--static-batch', 'fix the batch size instead of leaving it symbolic')
    .action((flags: ExportFlags) => {
      const entry = resolveModel(flags.model);
      const inputShape = flags.input ?? [...entry.inputShape];
      if (inputShape.length === 0) throw new CliError(`${flags.model} declares no input shape: pass --input, e.g. --input 1,28,28`);
      const net = entry.build();
      if (flags.weights) {
        const w = resolveWeights(flags.weights);
        try {
          loadModel(net, w);
        } catch (e) {
          throw new CliError(`cannot load ${w} into ${flags.model}: ${oneLine(e)}`);
        }
      }
      let bytes: Uint8Array;
      try {
        bytes = exportOnnx(net, { input: [flags.batch, ...inputShape], opset: flags.opset, dynamicBatch: !flags.staticBatch, path: flags.onnx });
      } catch (e) {
        throw new CliError(oneLine(e));
      }
      println(io, `wrote ${flags.onnx} (${bytes.length} bytes, opset ${flags.opset}, input [${flags.staticBatch ? flags.batch : 'N'},${inputShape.join(',')}])`);
    });

  program
    .command('import')
    .description('read an ONNX file into a folder: model.onnx, model.safetensors, and model.spec.json where the graph is a chain of nn layers')
    .argument('<model.onnx>', 'the ONNX file')
    .requiredOption('--out <dir>', 'folder to write')
    .action((path: string, flags: { out: string }) => {
      if (!existsSync(path)) throw new CliError(`${path}: no such file`);
      let model;
      try {
        model = importOnnx(path);
      } catch (e) {
        throw new CliError(oneLine(e));
      }
      mkdirSync(flags.out, { recursive: true });
      copyFileSync(path, join(flags.out, 'model.onnx'));
      const dims = model.graph.inputs[0]?.dims ?? [];
      const inputShape = dims.slice(1).every((d) => typeof d === 'number' && d > 0) ? (dims.slice(1) as number[]) : null;
      const layers = inputShape && model.graph.inputs.length === 1 ? toLayers(model, randn([2, ...inputShape])) : null;
      const n = model.parameters().reduce((a, p) => a + p.size, 0);
      if (layers) {
        // The graph is a chain of nn layers: a spec plus weights under the Sequential's names.
        const specPath = join(flags.out, 'model.spec.json');
        saveSpec(specPath, toSpec(layers, { inputShape: inputShape! }));
        saveSafetensors(join(flags.out, 'model.safetensors'), layers.stateDict());
        println(io, `imported ${path}: ${model.graph.nodes.length} nodes as ${layers.children().length} nn layers (${n} trainable values) -> ${specPath}, ${flags.out}/model.safetensors, ${flags.out}/model.onnx`);
        println(io, `use it with: neocog eval --model ${specPath} --weights ${flags.out}   (or train --model ${specPath})`);
        return;
      }
      const sd = model.stateDict();
      saveSafetensors(join(flags.out, 'model.safetensors'), sd);
      println(io, `imported ${path}: ${model.graph.nodes.length} nodes, ${Object.keys(sd).length} tensors (${n} trainable values) -> ${flags.out}/model.safetensors, ${flags.out}/model.onnx (the graph does not map onto a chain of nn layers, so no spec)`);
      println(io, `use it with: neocog eval --model ${join(flags.out, 'model.onnx')} --weights ${flags.out}   (or train --model ${join(flags.out, 'model.onnx')})`);
    });
}
