import { nn, optim, data, fit, evaluate, summary, saveModel, load } from 'neocog';

const model = new nn.Sequential(
  new nn.Conv2d(1, 10, 5), new nn.MaxPool2d(2), new nn.ReLU(),
  new nn.Conv2d(10, 20, 5), new nn.MaxPool2d(2), new nn.ReLU(),
  new nn.Flatten(), new nn.Linear(320, 50), new nn.ReLU(), new nn.Linear(50, 10),
);
console.log(summary(model, [1, 28, 28]));          // Keras-style table: shapes, params, FLOPs, memory
const train = new data.DataLoader(data.embeddedMnist({ train: true }), { batchSize: 64, shuffle: true });
const test = new data.DataLoader(data.embeddedMnist({ train: false }), { batchSize: 256 });
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
await fit(model, train, { epochs: 1, optimizer, loss: 'crossEntropy', validation: test });
console.log((await evaluate(model, test, { topK: [3], confusion: true })).accuracy);
saveModel(model, '.neocog/example/model.safetensors'); // PyTorch names; loads in safetensors.torch.load_file
const again = load('.neocog/example/model.safetensors');  // the whole model back (architecture from the file)
