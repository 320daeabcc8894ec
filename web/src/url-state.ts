/** Settings <-> the page URL (?dataset=…&model=…), so a link reproduces a setup. */
import { DEFAULTS, type Augment, type DatasetName, type OptimizerName, type Settings } from './protocol';

const pick = <T extends string>(v: string | null, allowed: readonly T[], d: T): T => (v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : d);

export function readSettings(search = location.search): Settings {
  const q = new URLSearchParams(search);
  const num = (k: string, d: number, ok: (n: number) => boolean) => {
    const n = Number(q.get(k));
    return q.has(k) && Number.isFinite(n) && ok(n) ? n : d;
  };
  return {
    dataset: pick<DatasetName>(q.get('dataset'), ['mnist', 'fashion'], DEFAULTS.dataset),
    model: q.get('model') ?? DEFAULTS.model,
    spec: q.get('spec') ?? '',
    optimizer: pick<OptimizerName>(q.get('optimizer'), ['sgd', 'adam', 'adamw', 'rmsprop'], DEFAULTS.optimizer),
    lr: num('lr', DEFAULTS.lr, (n) => n > 0 && n < 10),
    batchSize: num('batch', DEFAULTS.batchSize, (n) => [8, 16, 32, 64, 128].includes(n)),
    augment: pick<Augment>(q.get('augment'), ['none', 'shift', 'affine'], DEFAULTS.augment),
    evalEvery: num('evalEvery', DEFAULTS.evalEvery, (n) => Number.isInteger(n) && n >= 10),
  };
}

export function writeSettings(s: Settings): void {
  const q = new URLSearchParams();
  if (s.dataset !== 'files') q.set('dataset', s.dataset);
  q.set('model', s.model);
  if (s.model === 'custom') q.set('spec', s.spec);
  q.set('optimizer', s.optimizer);
  q.set('lr', String(s.lr));
  q.set('batch', String(s.batchSize));
  q.set('augment', s.augment);
  if (s.evalEvery !== DEFAULTS.evalEvery) q.set('evalEvery', String(s.evalEvery));
  history.replaceState(null, '', `${location.pathname}?${q}`);
}
