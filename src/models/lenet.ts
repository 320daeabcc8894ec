/**
 * LeNet-5 as in the lectures' Keras model summary (61,706 parameters):
 *
 *   conv2d_1 (Conv2D)        (None, 28, 28, 6)     156     5x5, 'same' padding on the 28x28 input
 *   average_pooling2d_1      (None, 14, 14, 6)       0
 *   conv2d_2 (Conv2D)        (None, 10, 10, 16)   2416     5x5, valid
 *   average_pooling2d_2      (None, 5, 5, 16)        0
 *   conv2d_3 (Conv2D)        (None, 1, 1, 120)   48120     5x5, valid (LeCun's C5)
 *   flatten_1 (Flatten)      (None, 120)             0
 *   dense_1 (Dense)          (None, 84)          10164     (F6)
 *   dense_2 (Dense)          (None, 10)            850     logits (the loss applies softmax)
 *
 * Activations: tanh after every conv and after dense_1 (the classic LeNet-5 squashing, as in the
 * usual Keras version); { activation: 'relu' } swaps them. PyTorch-style names: features.0/3/6 are the
 * convolutions, classifier.1 and classifier.3 the dense layers.
 */
import { checkKeys, posInt } from './zoo-util.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { AvgPool2d } from '../nn/pooling.js';
import { Linear } from '../nn/linear.js';
import { Flatten } from '../nn/flatten.js';
import { ReLU, Tanh } from '../nn/activation.js';
import { show } from '../ops/args.js';

export interface LeNet5Options {
  /** Input channels (1 for MNIST), default 1. */
  inChannels?: number;
  numClasses?: number;
  activation?: 'tanh' | 'relu';
}

/** LeNet-5 (the lectures' Keras layout): input [N,1,28,28], logits [N,10]. */
export function lenet5(opts: LeNet5Options = {}): Sequential {
  checkKeys('lenet5', opts, ['inChannels', 'numClasses', 'activation']);
  const { inChannels = 1, numClasses = 10, activation = 'tanh' } = opts;
  posInt('lenet5', 'inChannels', inChannels);
  posInt('lenet5', 'numClasses', numClasses);
  if (activation !== 'tanh' && activation !== 'relu') throw new Error(`lenet5: activation must be 'tanh' or 'relu', got ${show(activation)}`);
  const act = () => (activation === 'relu' ? new ReLU() : new Tanh());
  // A named Sequential (no custom forward), so it also round-trips through the declarative spec.
  return new Sequential({
    features: new Sequential(
      new Conv2d(inChannels, 6, 5, { padding: 2 }), act(), new AvgPool2d(2),
      new Conv2d(6, 16, 5), act(), new AvgPool2d(2),
      new Conv2d(16, 120, 5), act(),
    ),
    classifier: new Sequential(new Flatten(), new Linear(120, 84), act(), new Linear(84, numClasses)),
  });
}
