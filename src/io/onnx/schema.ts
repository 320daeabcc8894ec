/**
 * The subset of onnx.proto (ONNX IR, proto2) that neocog reads and writes, as a protobufjs JSON
 * descriptor: no .proto parsing at run time, and no Node built-ins (browser-safe). Field numbers follow
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto; fields left out (sparse tensors, functions,
 * training info) are skipped by the decoder and rejected later where they would change the meaning.
 */
import protobuf from 'protobufjs/light.js';

const rep = (type: string, id: number, packed?: boolean) => ({ rule: 'repeated', type, id, ...(packed === undefined ? {} : { options: { packed } }) });
const opt = (type: string, id: number) => ({ type, id });

const descriptor = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: { fields: { key: opt('string', 1), value: opt('string', 2) } },
        OperatorSetIdProto: { fields: { domain: opt('string', 1), version: opt('int64', 2) } },
        TensorShapeProto: {
          fields: { dim: rep('Dimension', 1) },
          nested: { Dimension: { fields: { dimValue: opt('int64', 1), dimParam: opt('string', 2), denotation: opt('string', 3) } } },
        },
        TypeProto: {
          fields: { tensorType: opt('Tensor', 1), sequenceType: opt('bytes', 4), mapType: opt('bytes', 5), sparseTensorType: opt('bytes', 8), optionalType: opt('bytes', 9), denotation: opt('string', 6) },
          nested: { Tensor: { fields: { elemType: opt('int32', 1), shape: opt('TensorShapeProto', 2) } } },
        },
        ValueInfoProto: { fields: { name: opt('string', 1), type: opt('TypeProto', 2), docString: opt('string', 3) } },
        TensorProto: {
          fields: {
            dims: rep('int64', 1, false),
            dataType: opt('int32', 2),
            floatData: rep('float', 4, true),
            int32Data: rep('int32', 5, true),
            stringData: rep('bytes', 6),
            int64Data: rep('int64', 7, true),
            name: opt('string', 8),
            rawData: opt('bytes', 9),
            doubleData: rep('double', 10, true),
            uint64Data: rep('uint64', 11, true),
            docString: opt('string', 12),
            externalData: rep('StringStringEntryProto', 13),
            dataLocation: opt('int32', 14),
          },
        },
        AttributeProto: {
          fields: {
            name: opt('string', 1),
            f: opt('float', 2),
            i: opt('int64', 3),
            s: opt('bytes', 4),
            t: opt('TensorProto', 5),
            g: opt('GraphProto', 6),
            floats: rep('float', 7, false),
            ints: rep('int64', 8, false),
            strings: rep('bytes', 9),
            tensors: rep('TensorProto', 10),
            graphs: rep('GraphProto', 11),
            docString: opt('string', 13),
            type: opt('int32', 20),
            refAttrName: opt('string', 21),
          },
        },
        NodeProto: {
          fields: {
            input: rep('string', 1),
            output: rep('string', 2),
            name: opt('string', 3),
            opType: opt('string', 4),
            attribute: rep('AttributeProto', 5),
            docString: opt('string', 6),
            domain: opt('string', 7),
          },
        },
        GraphProto: {
          fields: {
            node: rep('NodeProto', 1),
            name: opt('string', 2),
            initializer: rep('TensorProto', 5),
            docString: opt('string', 10),
            input: rep('ValueInfoProto', 11),
            output: rep('ValueInfoProto', 12),
            valueInfo: rep('ValueInfoProto', 13),
            sparseInitializer: rep('bytes', 15),
          },
        },
        ModelProto: {
          fields: {
            irVersion: opt('int64', 1),
            producerName: opt('string', 2),
            producerVersion: opt('string', 3),
            domain: opt('string', 4),
            modelVersion: opt('int64', 5),
            docString: opt('string', 6),
            graph: opt('GraphProto', 7),
            opsetImport: rep('OperatorSetIdProto', 8),
            metadataProps: rep('StringStringEntryProto', 14),
            trainingInfo: rep('bytes', 20),
            functions: rep('bytes', 25),
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const ModelProtoType = root.lookupType('onnx.ModelProto');
export const TensorProtoType = root.lookupType('onnx.TensorProto');

/** ONNX TensorProto.DataType codes neocog meets. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13 } as const;
export const DataTypeName: Record<number, string> = Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k]));

/** AttributeProto.AttributeType codes. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 } as const;

// Plain shapes of decoded messages (protobufjs gives int64 as number or Long).
export type Int64 = number | { low: number; high: number; unsigned: boolean; toNumber(): number };
export interface TensorMsg {
  dims: Int64[]; dataType: number; floatData: number[]; int32Data: number[]; stringData: Uint8Array[]; int64Data: Int64[];
  name: string; rawData: Uint8Array; doubleData: number[]; uint64Data: Int64[]; externalData: unknown[]; dataLocation: number;
}
export interface AttrMsg {
  name: string; f: number; i: Int64; s: Uint8Array; t: TensorMsg | null; g: GraphMsg | null; floats: number[]; ints: Int64[];
  strings: Uint8Array[]; tensors: TensorMsg[]; graphs: GraphMsg[]; type: number; refAttrName: string;
}
export interface NodeMsg { input: string[]; output: string[]; name: string; opType: string; attribute: AttrMsg[]; domain: string }
export interface DimMsg { dimValue?: Int64; dimParam?: string }
export interface ValueInfoMsg { name: string; type: { tensorType: { elemType: number; shape: { dim: DimMsg[] } | null } | null } | null }
export interface GraphMsg { node: NodeMsg[]; name: string; initializer: TensorMsg[]; input: ValueInfoMsg[]; output: ValueInfoMsg[]; valueInfo: ValueInfoMsg[]; sparseInitializer: Uint8Array[] }
export interface ModelMsg { irVersion: Int64; producerName: string; producerVersion: string; graph: GraphMsg | null; opsetImport: { domain: string; version: Int64 }[]; functions: Uint8Array[]; trainingInfo: Uint8Array[] }
