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
import type { Tensor } from '../tensor/tensor.js';
import { relu } from '../ops/activation.js';
import { maxPool2d } from '../ops/pool.js';
import { flatten } from '../ops/shape.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';

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
  if (!Number.isInteger(v) || v < 1) throw new Error(`mnistConvNet: ${name} must be a positive integer, got ${v}`);
  return v;
}

export class MnistConvNet extends Module {
  readonly variant: MnistConvNetVariant;
  readonly nChannel: number;
  readonly nHidden: number;
  readonly cv1: Conv2d;
  readonly ds1: Conv2d | null;
  readonly cv2: Conv2d;
  readonly ds2: Conv2d | null;
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor({ nChannel = 10, nHidden = 50, variant = 'pool' }: MnistConvNetOptions = {}) {
    super();
    if (!MNIST_CONVNET_VARIANTS.includes(variant)) {
      throw new Error(`mnistConvNet: variant must be one of ${MNIST_CONVNET_VARIANTS.join(', ')}, got ${JSON.stringify(variant)}`);
    }
    this.variant = variant;
    this.nChannel = positiveInt('nChannel', nChannel);
    this.nHidden = positiveInt('nHidden', nHidden);
    const stride = variant === 'stride2' ? 2 : 1;
    const down = variant === 'conv3x3s2';
    this.cv1 = new Conv2d(1, nChannel, 5, { stride });
    this.ds1 = down ? new Conv2d(nChannel, nChannel, 3, { stride: 2, padding: 1 }) : null;
    this.cv2 = new Conv2d(nChannel, 20, 5, { stride });
    this.ds2 = down ? new Conv2d(20, 20, 3, { stride: 2, padding: 1 }) : null;
    this.fc1 = new Linear(320, nHidden);
    this.fc2 = new Linear(nHidden, 10);
  }

  /** The 2x downsampling after a 5x5 conv: max pooling, nothing (strided conv) or the 3x3/2 conv. */
  private down(x: Tensor, ds: Conv2d | null): Tensor {
    if (this.variant === 'pool') return maxPool2d(x, { kernelSize: 2 });
    return ds ? ds.call(x) : x;
  }

  forward(x: Tensor): Tensor {
    let h = relu(this.down(this.cv1.call(x), this.ds1));
    h = relu(this.down(this.cv2.call(h), this.ds2));
    h = flatten(h, 1);
    h = relu(this.fc1.call(h));
    return this.fc2.call(h);
  }

  override extraRepr(): string {
    return `variant=${this.variant}`;
  }
}

/** The lecture's MNIST ConvNet (or one of its variants); input [N,1,28,28], output logits [N,10]. */
export function mnistConvNet(opts: MnistConvNetOptions = {}): MnistConvNet {
  return new MnistConvNet(opts);
}
