import { describe, expect, test } from 'vitest';
import * as data from '../../src/data/index.js';

describe('data barrel', () => {
  test('exports the public pieces', () => {
    for (const name of ['DataLoader', 'TensorDataset', 'Subset', 'ConcatDataset', 'MapDataset', 'randomSplit', 'mnist', 'fashionMnist', 'embeddedMnist', 'readIdx', 'ImageFolder', 'readImage', 'writePng'] as const) {
      expect(typeof data[name]).toBe('function');
    }
    for (const name of ['Compose', 'ToTensor', 'Normalize', 'RandomCrop', 'RandomHorizontalFlip', 'RandomAffine', 'ColorJitter'] as const) {
      expect(typeof data.transforms[name]).toBe('function');
    }
  });
});
