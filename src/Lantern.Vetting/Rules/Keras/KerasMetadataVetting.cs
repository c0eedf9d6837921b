using Lantern.Core.Findings;
using Lantern.Formats;
using Lantern.Formats.Keras;
using Lantern.Formats.Protobuf;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Keras;

/// <summary>
/// keras_metadata.pb beside a tf.keras SavedModel (tensorflow/python/keras/protobuf/saved_metadata.proto:
/// SavedMetadata.nodes = 1; SavedObject.metadata = 5, a JSON object per layer). Each node's JSON is judged like
/// a Keras config; ModelScan reads this file for Lambda layers, and so do we, completely.
/// </summary>
internal static class KerasMetadataVetting
{
    private const int SavedMetadataNodes = 1;
    private const int SavedObjectNodePath = 3;
    private const int SavedObjectMetadata = 5;

    public static VetResult VetFile(string path, ModelVetter engine, CancellationToken ct)
    {
        return TensorFlow.DirectVetting.Run(path, "keras-metadata", Formats.Sniffing.ModelFormatId.Keras, engine, Vet, ct);
    }

    public static Verdict Vet(VetContext context)
    {
        var reader = new ProtobufReader(context.Content, context.Length, new ProtobufReaderOptions { MaxDepth = 8, MaxInlineBytes = context.Limits.MaxConfigBytes });
        ProtobufMessage root = reader.Root();
        while (root.Next())
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (root.FieldNumber != SavedMetadataNodes)
            {
                continue;
            }
            ProtobufMessage node = root.ReadMessage();
            string nodePath = "?";
            byte[]? json = null;
            while (node.Next())
            {
                if (node.FieldNumber == SavedObjectNodePath)
                {
                    nodePath = node.ReadString(64 * 1024);
                }
                else if (node.FieldNumber == SavedObjectMetadata)
                {
                    json = node.ReadBytes(context.Limits.MaxConfigBytes);
                }
            }
            if (json is { Length: > 0 })
            {
                KerasConfigJudge.Judge(context, KerasConfigReader.Read(json), $"keras_metadata.pb:{nodePath}");
            }
        }
        return Verdict.Safe;
    }
}
