/**
 * Checkpoints that let training continue exactly where it stopped. After an epoch, ModelCheckpoint
 * writes a complete checkpoint into a fresh folder, `dir/epoch-0003/`:
 *
 *   model.safetensors       weights + buffers, PyTorch names (loadable by torch)
 *   model.json              the model description (describeModel)
 *   optimizer.safetensors   the optimizer's state tensors (momentum, Adam moments), `state.<param>.<key>`
 *   trainer.json            epoch, optimizer groups and scalar state, scheduler state, RNG states, logs, history
 *
 * It is written under a temporary name and renamed into place, then `dir/latest.json` (and, when the
 * monitored value improved, `dir/best.json`) is atomically pointed at it, and older checkpoint
 * folders beyond `keep` are removed (the best one is kept). A crash at any moment leaves the previous
 * checkpoint intact and referenced.
 *
 * resumeFrom(dir, { model, optimizer, scheduler }) restores all of it, including the global
 * generator (defaultGenerator: shuffles, dropout), and returns the epoch to pass to fit as initialEpoch.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { defaultGenerator, Generator } from '../tensor/random.js';
import { Module, type AnyModule } from '../nn/module.js';
import type { BaseHyper, Optimizer, OptimizerStateDict, SerializedTensor } from '../optim/optimizer.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { loadModel, saveModel } from '../io/model-io.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import { Callback, type AnyScheduler, type Logs } from './callback.js';
import { defaultMonitor, improves, readMonitor, resolveMode, type MonitorMode } from './monitor.js';
import { bool, integer, oneOf, options, show } from '../ops/args.js';
import { fail } from '../ops/validate.js';

const FORMAT = 'neocog.checkpoint';

export interface TrainerState {
  format: typeof FORMAT;
  version: 1;
  /** The epoch just completed (0-based). */
  epoch: number;
  /** The epoch to resume at (epoch + 1). */
  nextEpoch: number;
  optimizer: { class: string; paramGroups: OptimizerStateDict['paramGroups']; state: Record<string, Record<string, number | { $tensor: string }>> } | null;
  scheduler: { class: string; state: Record<string, unknown> } | null;
  /** defaultGenerator.getState() after the epoch. */
  rng: number[];
  /** The training loader's own generator, when it has one. */
  loaderRng: number[] | null;
  monitor: string;
  /** The monitored value this epoch, and the best so far (null before any finite value). */
  value: number | null;
  best: number | null;
  logs: Logs;
  history: Record<string, number[]>;
}

export interface CheckpointPointer {
  checkpoint: string;
  epoch: number;
  nextEpoch: number;
  monitor: string;
  value: number | null;
}

// ------------------------------------------------------------------------------------------------
// Optimizer state <-> safetensors + JSON

function splitOptimizerState(dict: OptimizerStateDict): { json: NonNullable<TrainerState['optimizer']>; tensors: Record<string, Tensor> } {
  const tensors: Record<string, Tensor> = {};
  const state: Record<string, Record<string, number | { $tensor: string }>> = {};
  for (const [idx, entry] of Object.entries(dict.state)) {
    state[idx] = {};
    for (const [k, v] of Object.entries(entry)) {
      if (typeof v === 'number') state[idx][k] = v;
      else {
        const name = `state.${idx}.${k}`;
        tensors[name] = tensor(v.data, v.shape, { dtype: v.dtype });
        state[idx][k] = { $tensor: name };
      }
    }
  }
  return { json: { class: '', paramGroups: dict.paramGroups, state }, tensors };
}

function joinOptimizerState(json: NonNullable<TrainerState['optimizer']>, tensors: Record<string, Tensor>): OptimizerStateDict {
  const state: OptimizerStateDict['state'] = {};
  for (const [idx, entry] of Object.entries(json.state)) {
    state[idx] = {};
    for (const [k, v] of Object.entries(entry)) {
      if (typeof v === 'number') state[idx][k] = v;
      else {
        const t = tensors[v.$tensor];
        if (!t) throw new Error(`resumeFrom: optimizer.safetensors lacks '${v.$tensor}'`);
        state[idx][k] = { shape: [...t.shape], dtype: t.dtype, data: Array.from(t.dataSync()) } satisfies SerializedTensor;
      }
    }
  }
  return { state, paramGroups: json.paramGroups };
}

// ------------------------------------------------------------------------------------------------
// Writing and reading one checkpoint

export interface SaveCheckpointOptions {
  model: AnyModule;
  optimizer?: Optimizer<BaseHyper> | null;
  scheduler?: AnyScheduler | null;
  loaderGenerator?: Generator | null;
  epoch: number;
  monitor?: string;
  value?: number | null;
  best?: number | null;
  logs?: Logs;
  history?: Record<string, number[]>;
}

function epochName(epoch: number): string {
  return `epoch-${String(epoch + 1).padStart(4, '0')}`;
}

/** Writes a complete checkpoint folder `dir/epoch-NNNN` (atomically, via rename) and points `latest.json` at it. Returns the folder. */
/** The checkpoint folder argument: a non-empty string (a number would name a file descriptor, a Symbol crash the message). */
function checkDir(op: string, dir: unknown): asserts dir is string {
  if (typeof dir !== 'string' || dir === '') fail(op, `dir must be a non-empty folder path, got ${show(dir)}`);
}

const SAVE_KEYS = ['model', 'optimizer', 'scheduler', 'loaderGenerator', 'epoch', 'monitor', 'value', 'best', 'logs', 'history'] as const;

export function saveCheckpoint(dir: string, o: SaveCheckpointOptions, opts: { markBest?: boolean } = {}): string {
  const op = 'saveCheckpoint';
  checkDir(op, dir);
  if (o === undefined) fail(op, `the second argument must be an object like { model, epoch, ... }, got undefined`);
  options<SaveCheckpointOptions>(op, o, SAVE_KEYS, 'the second argument');
  if (!(o.model instanceof Module)) fail(op, `model must be a Module, got ${show(o.model)}`);
  integer(op, 'epoch', o.epoch, { min: 0 });
  const { markBest = false } = options<{ markBest?: boolean }>(op, opts, ['markBest']);
  bool(op, 'markBest', markBest);
  mkdirSync(dir, { recursive: true });
  const name = epochName(o.epoch);
  const tmp = join(dir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    saveModel(o.model, join(tmp, 'model.safetensors'), { metadata: { epoch: String(o.epoch) } });
    let optimizer: TrainerState['optimizer'] = null;
    if (o.optimizer) {
      const { json, tensors } = splitOptimizerState(o.optimizer.stateDict());
      json.class = o.optimizer.constructor.name;
      saveSafetensors(join(tmp, 'optimizer.safetensors'), tensors, { class: json.class });
      optimizer = json;
    }
    const fin = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const state: TrainerState = {
      format: FORMAT, version: 1, epoch: o.epoch, nextEpoch: o.epoch + 1, optimizer,
      scheduler: o.scheduler ? { class: o.scheduler.constructor.name, state: o.scheduler.stateDict() } : null,
      rng: defaultGenerator.getState(), loaderRng: o.loaderGenerator ? o.loaderGenerator.getState() : null,
      monitor: o.monitor ?? 'loss', value: fin(o.value), best: fin(o.best), logs: o.logs ?? {}, history: o.history ?? {},
    };
    writeJsonAtomic(join(tmp, 'trainer.json'), state);
    const final = join(dir, name);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const pointer: CheckpointPointer = { checkpoint: name, epoch: o.epoch, nextEpoch: o.epoch + 1, monitor: o.monitor ?? 'loss', value: o.value ?? null };
  writeJsonAtomic(join(dir, 'latest.json'), pointer);
  if (markBest) writeJsonAtomic(join(dir, 'best.json'), pointer);
  return join(dir, name);
}

/** Keys that would reach an object's prototype when assigned: never valid in a checkpoint file. */
const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function readJson<T>(path: string, what: string): T {
  let bad: string | null = null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'), (k, v) => {
      if (PROTO_KEYS.has(k)) bad ??= k;
      return v;
    });
  } catch (e) {
    throw new Error(`resumeFrom: cannot read ${what} ${path} (${(e as Error).message})`);
  }
  if (bad !== null) throw new Error(`resumeFrom: ${what} ${path} has a key '${bad}', which no checkpoint writes (a corrupt or crafted file)`);
  return data as T;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isUint32 = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
/** A generator state: four uint32 words, and an optional spare normal (a finite number). */
const isRngState = (v: unknown) => Array.isArray(v) && (v.length === 4 || v.length === 5) && v.slice(0, 4).every(isUint32) && (v.length === 4 || Number.isFinite(v[4]));
/** No one trains with a learning rate above this; a file that says so is corrupt (1e308 made NaN weights). */
const MAX_LR = 1e3;

/** trainer.json against what saveCheckpoint writes; a file that differs is refused before anything is restored. */
function checkTrainerState(state: unknown, file: string): asserts state is TrainerState {
  const bad = (what: string, got: unknown): never => {
    throw new Error(`resumeFrom: ${file}: ${what}, got ${show(got)} (hint: a damaged or edited checkpoint; resume from an earlier one or start again)`);
  };
  if (!isRecord(state)) bad('expected an object', state);
  const s = state as Record<string, unknown>;
  if (s.format !== FORMAT) throw new Error(`resumeFrom: ${file} is not a neocog checkpoint (format ${show(s.format)})`);
  if (s.version !== 1) bad('version must be 1', s.version);
  if (!Number.isInteger(s.epoch) || (s.epoch as number) < 0) bad('epoch must be a non-negative integer', s.epoch);
  if (s.nextEpoch !== (s.epoch as number) + 1) bad(`nextEpoch must be epoch + 1 = ${(s.epoch as number) + 1}`, s.nextEpoch);
  if (!isRngState(s.rng)) bad('rng must be 4 unsigned 32-bit integers (and an optional finite spare)', s.rng);
  if (s.loaderRng !== null && s.loaderRng !== undefined && !isRngState(s.loaderRng)) bad('loaderRng must be null or 4 unsigned 32-bit integers', s.loaderRng);
  if (s.optimizer !== null) {
    const o = s.optimizer;
    if (!isRecord(o) || typeof o.class !== 'string' || !Array.isArray(o.paramGroups) || !isRecord(o.state)) bad('optimizer must be null or { class, paramGroups, state }', o);
    (o as { paramGroups: unknown[] }).paramGroups.forEach((g, i) => {
      if (!isRecord(g)) bad(`optimizer.paramGroups[${i}] must be an object`, g);
      for (const [k, v] of Object.entries(g as Record<string, unknown>)) {
        if (typeof v === 'number' && !Number.isFinite(v)) bad(`optimizer.paramGroups[${i}].${k} must be finite`, v);
      }
      const lr = (g as Record<string, unknown>).lr;
      if (typeof lr !== 'number' || !(lr >= 0 && lr <= MAX_LR)) bad(`optimizer.paramGroups[${i}].lr must be a number in [0, ${MAX_LR}]`, lr);
    });
  }
  if (s.scheduler !== null) {
    const c = s.scheduler;
    if (!isRecord(c) || typeof c.class !== 'string' || !isRecord(c.state)) bad('scheduler must be null or { class, state }', c);
  }
}

/** The checkpoint folder `dir` refers to: itself if it holds trainer.json, else the one latest.json (or best.json) names. */
export function checkpointPath(dir: string, which: 'latest' | 'best' = 'latest'): string {
  checkDir('checkpointPath', dir);
  oneOf('checkpointPath', 'which', which, ['latest', 'best']);
  return pathOf(dir, which);
}

function pathOf(dir: string, which: 'latest' | 'best'): string {
  if (existsSync(join(dir, 'trainer.json'))) return dir;
  const ptr = join(dir, `${which}.json`);
  if (!existsSync(ptr)) throw new Error(`resumeFrom: no checkpoint in ${dir} (neither trainer.json nor ${which}.json; was it written by ModelCheckpoint?)`);
  const name = readJson<CheckpointPointer>(ptr, 'pointer').checkpoint;
  // The pointer names a folder of this directory, never a path: '../other-run' must not load another run.
  if (typeof name !== 'string' || !/^epoch-\d+$/.test(name)) {
    throw new Error(`resumeFrom: ${ptr}: checkpoint must name a folder epoch-NNNN in ${dir}, got ${show(name)}`);
  }
  return join(dir, name);
}

export interface ResumeOptions {
  model: AnyModule;
  optimizer?: Optimizer<BaseHyper> | null;
  scheduler?: AnyScheduler | null;
  /** A loader with its own shuffle generator gets that generator's state back. */
  loader?: { generator?: Generator } | null;
  /** 'latest' (default) or 'best'. */
  which?: 'latest' | 'best';
  /** Restore defaultGenerator's state (default true). */
  restoreRng?: boolean;
}

/** Reads a checkpoint into model / optimizer / scheduler (and the RNGs); returns its trainer state. */
export function loadCheckpoint(dir: string, o: ResumeOptions): TrainerState & { path: string } {
  return load('loadCheckpoint', dir, o);
}

const RESUME_KEYS = ['model', 'optimizer', 'scheduler', 'loader', 'which', 'restoreRng'] as const;

function load(op: string, dir: string, o: ResumeOptions): TrainerState & { path: string } {
  checkDir(op, dir);
  if (o === undefined) fail(op, `the second argument must be an object like { model, optimizer, ... }, got undefined`);
  options<ResumeOptions>(op, o, RESUME_KEYS, 'the second argument');
  if (!(o.model instanceof Module)) fail(op, `model must be a Module, got ${show(o.model)}`);
  const path = pathOf(dir, oneOf(op, 'which', o.which ?? 'latest', ['latest', 'best']));
  const state = readJson<unknown>(join(path, 'trainer.json'), 'trainer state');
  checkTrainerState(state, join(path, 'trainer.json'));
  loadModel(o.model, join(path, 'model.safetensors'));
  if (o.optimizer) {
    if (!state.optimizer) throw new Error(`resumeFrom: checkpoint ${path} has no optimizer state`);
    if (state.optimizer.class !== o.optimizer.constructor.name) throw new Error(`resumeFrom: checkpoint optimizer is ${state.optimizer.class}, got ${o.optimizer.constructor.name}`);
    o.optimizer.loadStateDict(joinOptimizerState(state.optimizer, loadSafetensors(join(path, 'optimizer.safetensors'))));
  }
  if (o.scheduler) {
    if (!state.scheduler) throw new Error(`resumeFrom: checkpoint ${path} has no scheduler state`);
    if (state.scheduler.class !== o.scheduler.constructor.name) throw new Error(`resumeFrom: checkpoint scheduler is ${state.scheduler.class}, got ${o.scheduler.constructor.name}`);
    o.scheduler.loadStateDict(state.scheduler.state);
  }
  if (o.restoreRng ?? true) defaultGenerator.setState(state.rng);
  if (o.loader?.generator instanceof Generator && state.loaderRng) o.loader.generator.setState(state.loaderRng);
  return { ...state, path };
}

/** Restores the latest checkpoint in `dir` and returns the epoch to continue from (fit's initialEpoch). */
export function resumeFrom(dir: string, o: ResumeOptions): number {
  return load('resumeFrom', dir, o).nextEpoch;
}

// ------------------------------------------------------------------------------------------------

export interface ModelCheckpointOptions {
  dir: string;
  /** Write only when the monitored value improves (default false: every epoch). */
  saveBestOnly?: boolean;
  /** Default 'valLoss' with validation, else 'loss'. */
  monitor?: string;
  mode?: MonitorMode;
  /** How many of the most recent checkpoints to keep (default 1); the best is always kept. */
  keep?: number;
  /** Print a line when a checkpoint is written. */
  verbose?: boolean;
}

export class ModelCheckpoint extends Callback {
  readonly dir: string;
  readonly saveBestOnly: boolean;
  readonly keep: number;
  readonly verbose: boolean;
  private readonly monitorOption: string | undefined;
  private readonly modeOption: MonitorMode;
  monitor = 'loss';
  best: number | null = null;
  /** Folder of the last checkpoint written. */
  lastPath: string | null = null;

  constructor(opts: ModelCheckpointOptions) {
    super();
    const name = 'ModelCheckpoint';
    if (opts === undefined) fail(name, 'options are required: { dir, ... }');
    const { dir, saveBestOnly = false, monitor, mode = 'auto', keep = 1, verbose = false } = options<ModelCheckpointOptions>(name, opts, ['dir', 'saveBestOnly', 'monitor', 'mode', 'keep', 'verbose']);
    if (typeof dir !== 'string' || !dir) fail(name, `dir is required: a folder path, got ${show(dir)}`);
    if (!Number.isInteger(keep) || keep < 1) fail(name, `keep must be a positive integer, got ${show(keep)}`);
    if (monitor !== undefined && typeof monitor !== 'string') fail(name, `monitor must be a log key like 'valLoss', got ${show(monitor)}`);
    this.dir = dir;
    this.saveBestOnly = bool(name, 'saveBestOnly', saveBestOnly);
    this.keep = keep;
    this.verbose = bool(name, 'verbose', verbose);
    this.monitorOption = monitor;
    this.modeOption = mode;
    resolveMode(monitor ?? 'loss', mode);
  }

  override onTrainBegin(): void {
    // Folders a killed run was still writing (saveCheckpoint renames a complete one into place).
    if (existsSync(this.dir)) {
      for (const n of readdirSync(this.dir)) if (/^\.epoch-\d+\.tmp-/.test(n)) rmSync(join(this.dir, n), { recursive: true, force: true });
    }
    this.monitor = this.monitorOption ?? defaultMonitor(this.context.hasValidation);
    this.best = null;
    // Resuming: carry on from the best value recorded in the checkpoint being continued.
    if (this.context.initialEpoch > 0 && existsSync(join(this.dir, 'latest.json'))) {
      try {
        const s = readJson<TrainerState>(join(checkpointPath(this.dir), 'trainer.json'), 'trainer state');
        if (s.monitor === this.monitor) this.best = s.best;
      } catch {
        /* no usable previous state: start fresh */
      }
    }
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const mode = resolveMode(this.monitor, this.modeOption);
    const value = readMonitor('ModelCheckpoint', this.monitor, logs);
    const improved = this.best === null ? Number.isFinite(value) : improves(value, this.best, mode);
    if (improved) this.best = value;
    if (this.saveBestOnly && !improved) return;
    const loader = this.context.trainLoader as { generator?: unknown } | null;
    this.lastPath = saveCheckpoint(this.dir, {
      model: this.context.model, optimizer: this.context.optimizer, scheduler: this.context.scheduler,
      loaderGenerator: loader?.generator instanceof Generator ? loader.generator : null,
      epoch, monitor: this.monitor, value, best: this.best, logs, history: this.context.history.toJSON().history,
    }, { markBest: improved });
    this.prune();
    if (this.verbose) console.log(`Epoch ${epoch + 1}: ${this.monitor} ${value.toFixed(4)}${improved ? ' (best)' : ''}, checkpoint written to ${this.lastPath}`);
  }

  /** Removes checkpoint folders beyond the `keep` most recent, except the best. */
  private prune(): void {
    const keepNames = new Set<string>();
    for (const p of ['latest.json', 'best.json']) {
      const f = join(this.dir, p);
      if (existsSync(f)) keepNames.add(readJson<CheckpointPointer>(f, 'pointer').checkpoint);
    }
    const folders = readdirSync(this.dir).filter((n) => /^epoch-\d+$/.test(n) && statSync(join(this.dir, n)).isDirectory()).sort();
    folders.slice(-this.keep).forEach((n) => keepNames.add(n));
    for (const n of folders) if (!keepNames.has(n)) rmSync(join(this.dir, n), { recursive: true, force: true });
  }
}
