namespace Lantern.Vetting.Rules.TensorFlow;

/// <summary>Rule ids for TF SavedModel (docs/vetting/tensorflow.md).</summary>
public static class TensorFlowRules
{
    /// <summary>PyFunc, PyFuncStateless, EagerPyFunc: the graph calls into Python.</summary>
    public const string PythonOp = "LNT-TFS-001";

    /// <summary>Ops that read or write arbitrary files, or talk to the network, when the graph runs.</summary>
    public const string FileOrNetworkOp = "LNT-TFS-002";

    /// <summary>Ops that reach the filesystem, the process or input-pipeline machinery no inference graph needs.</summary>
    public const string SystemOp = "LNT-TFS-003";

    /// <summary>A reader limit stopped the walk.</summary>
    public const string LimitReached = "LNT-TFS-004";

    /// <summary>saved_model.pb without a meta graph, or a directory without saved_model.pb.</summary>
    public const string NotASavedModel = "LNT-TFS-005";

    /// <summary>A file in the SavedModel directory is a link that resolves outside it.</summary>
    public const string LinkEscapes = "LNT-TFS-006";

    /// <summary>An op that is neither in Lantern's list of TensorFlow raw ops nor a function of the SavedModel's own library.</summary>
    public const string UnknownOp = "LNT-TFS-007";

    /// <summary>A checkpoint op's filename or prefix input is a Const holding an absolute, '..', drive, UNC, '~' or URL path.</summary>
    public const string CheckpointPathEscapes = "LNT-TFS-008";
}
