namespace Lantern.Vetting.Rules.TensorFlow;

/// <summary>
/// Op names judged in SavedModel graphs (formats.md §9.8; op definitions in tensorflow/core/ops/*.cc).
/// Checkpoint ops (Save, SaveV2, SaveSlices, Restore, RestoreV2, RestoreSlice, MergeV2Checkpoints,
/// ShardedFilename, ShardedFilespec) are NOT flagged: TF writes them into every SavedModel's saver
/// function, and at load the runtime feeds them the variables path itself. Their filename inputs are checked
/// instead (<see cref="CheckpointPaths"/>, LNT-TFS-008): a hard-coded escaping path is malicious.
/// </summary>
internal static class TensorFlowOps
{
    /// <summary>tensorflow/core/ops/script_ops.cc: run a registered Python callable.</summary>
    public static readonly HashSet<string> Python = new(StringComparer.Ordinal)
    {
        "PyFunc", "PyFuncStateless", "EagerPyFunc",
    };

    /// <summary>
    /// Arbitrary file read/write or network access when the graph runs: io_ops.cc ReadFile/WriteFile; dataset
    /// writers (DatasetToTFRecord, SaveDataset, DistributedSave); tf.distribute RPC ops; tf.data service
    /// clients (connect to an address the graph names).
    /// </summary>
    public static readonly HashSet<string> FileOrNetwork = new(StringComparer.Ordinal)
    {
        "ReadFile", "WriteFile",
        "DatasetToTFRecord", "ExperimentalDatasetToTFRecord", "SaveDataset", "SaveDatasetV2", "DistributedSave",
        "RpcClient", "RpcCall", "RpcCheckStatus", "RpcGetValue", "RpcServer", "RpcServerRegister", "RpcServerStart",
        "DataServiceDataset", "DataServiceDatasetV2", "DataServiceDatasetV3", "DataServiceDatasetV4", "RegisterDataset", "RegisterDatasetV2",
    };

    /// <summary>
    /// Reach the filesystem, the process or queueing machinery that an exported inference graph does not need
    /// (formats.md §9.8: MatchingFiles, LookupTableImport*, InitializeTable*, Queue*, Abort; plus readers,
    /// file datasets, summary writers, debug ops that stream tensors to URLs, ImmutableConst's memory-mapped file).
    /// </summary>
    public static readonly HashSet<string> System = new(StringComparer.Ordinal)
    {
        "MatchingFiles", "ImmutableConst", "Abort",
        "InitializeTableFromTextFile", "InitializeTableFromTextFileV2", "LookupTableImport", "LookupTableImportV2",
        "WholeFileReader", "WholeFileReaderV2", "TextLineReader", "TextLineReaderV2", "TFRecordReader", "TFRecordReaderV2",
        "FixedLengthRecordReader", "FixedLengthRecordReaderV2", "LMDBReader", "IdentityReader", "IdentityReaderV2",
        "TextLineDataset", "TFRecordDataset", "TFRecordDatasetV2", "FixedLengthRecordDataset", "FixedLengthRecordDatasetV2",
        "CSVDataset", "CSVDatasetV2", "ExperimentalCSVDataset", "SqlDataset", "ExperimentalSqlDataset", "LMDBDataset",
        "ExperimentalLMDBDataset", "LoadDataset", "SnapshotDataset", "SnapshotDatasetV2", "SnapshotDatasetReader",
        "CreateSummaryFileWriter", "CreateSummaryDbWriter", "SummaryWriter", "WriteSummary", "WriteScalarSummary",
        "WriteHistogramSummary", "WriteImageSummary", "WriteAudioSummary", "WriteGraphSummary", "WriteRawProtoSummary", "ImportEvent",
        "DebugIdentity", "DebugIdentityV2", "DebugIdentityV3", "DebugNanCount", "DebugNumericSummary", "DebugNumericSummaryV2",
        "FIFOQueue", "FIFOQueueV2", "PaddingFIFOQueue", "PaddingFIFOQueueV2", "RandomShuffleQueue", "RandomShuffleQueueV2",
        "PriorityQueue", "PriorityQueueV2", "QueueEnqueue", "QueueEnqueueV2", "QueueEnqueueMany", "QueueEnqueueManyV2",
    };

    /// <summary>PrintV2's <c>output_stream</c> attr may name a file (<c>file://path</c>): then it writes that file.</summary>
    public const string PrintV2 = "PrintV2";
}
