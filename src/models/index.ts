/** The model zoo (the `models` namespace): builders, classes and the name registry. */
export { mnistConvNet, MNIST_CONVNET_VARIANTS, type MnistConvNetOptions, type MnistConvNetVariant } from './mnist-convnet.js';
export { lenet5, type LeNet5Options } from './lenet.js';
export { get, list, info, has, register, type ModelEntry, type ModelOptions } from './registry.js';
// The lectures' architectures (ResNet, VGG, AlexNet, DenseNet, MobileNet, GoogLeNet, FCN, SegNet, U-Net, ...): registering them is a side effect of this import.
import './zoo.js';
export * from './zoo.js';
