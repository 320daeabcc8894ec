/**
 * The MNIST ConvNet of the EPFL CNN lecture ("PyTorch Translation (1)") and the two variants of its
 * "Without Max Pooling" table:
 *
 *   Accuracy                                   Train   Test
 *   Conv 5x5, stride 1  + Max pool 2x2         99.58   98.77   variant 'pool' (the default)
 *   Conv 5x5, stride 2                         99.42   98.31   variant 'stride2'
 *   Conv 5x5, stride 1  + Conv 3x3, stride 2   99.38   98.57   variant 'conv3x3s2'
 *
 * 'pool' is the lecture's code line for line:
 *   x = relu(maxPool2d(cv1(x), 2)); x = relu(maxPool2d(cv2(x), 2)); x = x.view(-1, 320)
 *   x = relu(fc1(x)); return fc2(x)
 *   shapes: [N,1,28,28] -cv1-> [N,C,24,24] -pool-> [N,C,12,12] -cv2-> [N,20,8,8] -pool-> [N,20,4,4] = 320
 *
 * 'stride2' is "PyTorch Translation (2)": the same two 5x5 convs with stride 2 and no pooling:
 *   [N,1,28,28] -cv1/2-> [N,C,12,12] -cv2/2-> [N,20,4,4] = 320, so fc1 keeps its 320 inputs.
 *
 * 'conv3x3s2' (our reading; the lecture gives the table row only): each "max pool 2" is replaced by a
 * learned 3x3 convolution with stride 2 that keeps the channel count (ds1: C->C, ds2: 20->20), placed
 * exactly where the pooling was, so the forward is relu(ds1(cv1(x))), relu(ds2(cv2(x))). We give the
 * 3x3 convs padding 1, which halves the maps exactly as the 2x2 pooling does (24->12, 8->4), so the
 * flattened size stays the lecture's 320 and fc1/fc2 are unchanged (without padding the maps would be
 * 24->11->7->3 and fc1 would need 180 inputs).
 *
 * The model returns logits: the lecture's final log_softmax is applied by the loss
 * (nn.CrossEntropyLoss = logSoftmax + NLL), and softmax(logits) gives the class probabilities.
 * Children are named as in the lecture (cv1, cv2, fc1, fc2, plus ds1, ds2), so a PyTorch state dict of
 * the same class loads by name.
 */
import { checkKeys } from './zoo-util.js';
import { show } from '../ops/args.js';
import { NeocogError } from '../ops/validate.js';
import type { AnyModule } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';
import { MaxPool2d } from '../nn/pooling.js';
import { ReLU } from '../nn/activation.js';
import { Flatten } from '../nn/flatten.js';

export type MnistConvNetVariant = 'pool' | 'stride2' | 'conv3x3s2';
export const MNIST_CONVNET_VARIANTS: readonly MnistConvNetVariant[] = ['pool', 'stride2', 'conv3x3s2'];

export interface MnistConvNetOptions {
  /** Feature maps of the first conv (the lecture's nChannel), default 10. */
  nChannel?: number;
  /** Width of the hidden fully connected layer (nHidden), default 50. */
  nHidden?: number;
  /** How the maps are downsampled (see the file comment), default 'pool'. */
  variant?: MnistConvNetVariant;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new NeocogError('mnistConvNet', `${name} must be a positive integer, got ${show(v)}`);
  return v;
}

/**
 * The lecture's MNIST ConvNet (or one of its variants); input [N,1,28,28], output logits [N,10].
 * A named Sequential (no custom forward), so it also round-trips through the declarative spec.
 */
export function mnistConvNet(opts: MnistConvNetOptions = {}): Sequential {
  checkKeys('mnistConvNet', opts, ['nChannel', 'nHidden', 'variant']);
  const { nChannel = 10, nHidden = 50, variant = 'pool' } = opts;
  if (!MNIST_CONVNET_VARIANTS.includes(variant)) {
    throw new Error(`mnistConvNet: variant must be one of ${MNIST_CONVNET_VARIANTS.join(', ')}, got ${show(variant)}`);
  }
  positiveInt('nChannel', nChannel);
  positiveInt('nHidden', nHidden);
  const stride = variant === 'stride2' ? 2 : 1;
  // The 2x downsampling after each 5x5 conv: max pooling, nothing (strided conv) or the 3x3/2 conv.
  const down = (name: string, channels: number): [string, AnyModule][] =>
    variant === 'pool' ? [[`pool${name}`, new MaxPool2d(2)]]
      : variant === 'conv3x3s2' ? [[`ds${name}`, new Conv2d(channels, channels, 3, { stride: 2, padding: 1 })]]
        : [];
  return new Sequential(new Map<string, AnyModule>([
    ['cv1', new Conv2d(1, nChannel, 5, { stride })],
    ...down('1', nChannel),
    ['relu1', new ReLU()],
    ['cv2', new Conv2d(nChannel, 20, 5, { stride })],
    ...down('2', 20),
    ['relu2', new ReLU()],
    ['flatten', new Flatten()],
    ['fc1', new Linear(320, nHidden)],
    ['relu3', new ReLU()],
    ['fc2', new Linear(nHidden, 10)],
  ]));
}
