using Lantern.Formats.Pickle;
using Lantern.Testing.Fixtures;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Pickle;
using Xunit;

namespace Lantern.Vetting.Tests.Pickle;

/// <summary>One fixture per technique of formats.md §9.6 and per pickle advisory of §9.2/§9.3, plus benign controls.</summary>
public class PickleJudgeTests
{
    private static PickleJudgement Judge(byte[] pickle, string? hint = null, bool multiple = true)
    {
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(pickle), PickleJudge.OptionsFrom(new VettingLimits(), multiple));
        return PickleJudge.Evaluate(trace, member: null, profileHint: hint, multipleStreams: multiple);
    }

    private static void AssertVerdict(Verdict expected, byte[] pickle, string? rule = null, string? hint = null)
    {
        PickleJudgement j = Judge(pickle, hint);
        Assert.True(expected == j.Verdict, $"expected {expected}, got {j.Verdict}: {string.Join("; ", j.Findings.Select(f => $"{f.RuleId} {f.Message}"))}");
        if (rule is not null)
        {
            Assert.Contains(j.Findings, f => f.RuleId == rule);
        }
    }

    // ---- benign controls ----

    [Fact]
    public void Judge_PyTorchStateDict_SafeUnderPyTorchProfile()
    {
        PickleJudgement j = Judge(PickleAssembler.PyTorchStateDict(5));
        Assert.Equal(Verdict.Safe, j.Verdict);
        Assert.Equal("pytorch", j.Profile);
        Assert.Equal(5, j.Trace.Calls.Single(c => c.Callable.FullName == "torch._utils._rebuild_tensor_v2").Count);
        Assert.Equal("storage", j.Trace.PersistentIds.Single().Tag);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Judge_NumpyArray_SafeUnderNumpyProfile(int protocol)
    {
        PickleJudgement j = Judge(PickleAssembler.NumpyArray(protocol));
        Assert.True(j.Verdict == Verdict.Safe, string.Join("; ", j.Findings.Select(f => f.Message)));
        Assert.Equal("numpy", j.Profile);
    }

    [Fact]
    public void Judge_Numpy2ModuleNames_Safe() => AssertVerdict(Verdict.Safe, PickleAssembler.NumpyArray(4, "numpy._core.multiarray"));

    [Fact]
    public void Judge_Protocol0ListOfStrings_Safe() =>
        AssertVerdict(Verdict.Safe, new PickleAssembler().Mark().List().Put(0).Unicode("a").Put(1).Append().Unicode("b").Append().Stop().ToArray());

    [Fact]
    public void Judge_Protocol0OrderedDict_SafeWithCompatNames() =>
        AssertVerdict(Verdict.Safe, new PickleAssembler().Global("collections", "OrderedDict").Put(0).Mark().Tuple().Reduce().Stop().ToArray());

    [Fact]
    public void Judge_SklearnEstimatorWithoutHint_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, SklearnEstimator(), PickleRules.ImportNotAllowed);

    [Fact]
    public void Judge_SklearnEstimatorUnderSklearnProfile_Safe() => AssertVerdict(Verdict.Safe, SklearnEstimator(), hint: "sklearn");

    private static byte[] SklearnEstimator() => new PickleAssembler().Proto(4)
        .Import("sklearn.linear_model._base", "LinearRegression", 4).EmptyTuple().NewObj()
        .EmptyDict().ShortBinUnicode("fit_intercept").NewTrue().SetItem().ShortBinUnicode("coef_").NumpyArrayInline().SetItem().Build()
        .Stop().ToArray();

    // ---- D: gadget catalogue and §9.2/§9.3 advisories ----

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("builtins", "exec")]
    [InlineData("builtins", "compile")]
    [InlineData("builtins", "open")]
    [InlineData("builtins", "getattr")]
    [InlineData("builtins", "__import__")] // GHSA-h4rm-mm56-xf63
    [InlineData("builtins", "breakpoint")]
    [InlineData("builtins", "vars")]
    [InlineData("builtins", "globals")]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("nt", "system")]
    [InlineData("subprocess", "Popen")]
    [InlineData("pty", "spawn")] // GHSA-r7v6-mfhq-g3m2
    [InlineData("runpy", "_run_code")] // GHSA-wfq2-52f7-7qvj
    [InlineData("code", "InteractiveInterpreter.runcode")] // GHSA-q5qq-mvfm-j35x
    [InlineData("codeop", "compile_command")]
    [InlineData("cProfile", "run")] // GHSA-p523-jq9w-64x9
    [InlineData("profile", "run")] // GHSA-7wx9-6375-f5wh
    [InlineData("pdb", "run")]
    [InlineData("bdb", "Bdb.run")]
    [InlineData("trace", "Trace.run")]
    [InlineData("timeit", "timeit")]
    [InlineData("doctest", "debug_script")]
    [InlineData("idlelib.pyshell", "ModifiedInterpreter.runcode")]
    [InlineData("lib2to3.pgen2.pgen", "ParserGenerator.make_label")]
    [InlineData("pydoc", "pipepager")] // GHSA-655q-fx9r-782v
    [InlineData("pydoc", "locate")]
    [InlineData("pkgutil", "resolve_name")] // GHSA-vvpj-8cmc-gx39
    [InlineData("importlib", "import_module")]
    [InlineData("inspect", "getattr_static")]
    [InlineData("operator", "attrgetter")]
    [InlineData("_operator", "methodcaller")] // GHSA-955r-x9j8-7rhh, GHSA-46h3-79wf-xr6c
    [InlineData("operator", "itemgetter")]
    [InlineData("operator", "call")]
    [InlineData("functools", "partial")]
    [InlineData("functools", "reduce")]
    [InlineData("types", "CodeType")] // GHSA-565g-hwwr-4pp3
    [InlineData("types", "FunctionType")]
    [InlineData("types", "MethodType")]
    [InlineData("marshal", "loads")]
    [InlineData("cloudpickle.cloudpickle", "_make_function")] // GHSA-9m3x-qqw2-h32h
    [InlineData("dill", "loads")]
    [InlineData("pickle", "loads")]
    [InlineData("_pickle", "loads")]
    [InlineData("joblib", "load")]
    [InlineData("torch", "load")]
    [InlineData("torch.storage", "_load_from_bytes")]
    [InlineData("torch._inductor.codecache", "compile_file")]
    [InlineData("torch.utils.collect_env", "run")]
    [InlineData("torch.jit.unsupported_tensor_ops", "execWrapper")]
    [InlineData("torch._dynamo.guards", "GuardBuilder.get")]
    [InlineData("torch.hub", "load")]
    [InlineData("numpy.f2py.crackfortran", "getlincoef")]
    [InlineData("numpy.testing._private.utils", "runstring")]
    [InlineData("numpy", "load")]
    [InlineData("ctypes", "CDLL")] // GHSA-5hvc-6wx8-mvv4
    [InlineData("pip", "main")] // CVE-2025-1716
    [InlineData("ensurepip", "_run_pip")]
    [InlineData("venv", "create")]
    [InlineData("distutils.file_util", "write_file")]
    [InlineData("setuptools._distutils.file_util", "write_file")]
    [InlineData("logging", "FileHandler")] // GHSA-m7j5-r2p5-c39r
    [InlineData("logging.handlers", "HTTPHandler")]
    [InlineData("logging.config", "fileConfig")]
    [InlineData("_io", "FileIO")] // GHSA-9726-w42j-3qjr
    [InlineData("io", "FileIO")]
    [InlineData("urllib.request", "urlopen")]
    [InlineData("ssl", "get_server_certificate")]
    [InlineData("webbrowser", "open")]
    [InlineData("socket", "create_connection")]
    [InlineData("imaplib", "IMAP4_stream")] // GHSA-g38g-8gr9-h9xp
    [InlineData("uuid", "_get_command_stdout")] // GHSA-5hwf-rc88-82xm
    [InlineData("_osx_support", "_read_output")]
    [InlineData("_aix_support", "_read_cmd_output")]
    [InlineData("_pyrepl.pager", "pipe_pager")]
    [InlineData("test.support.script_helper", "assert_python_ok")]
    [InlineData("mailcap", "findmatch")]
    [InlineData("pipes", "Template")]
    [InlineData("typing", "_eval_type")]
    [InlineData("typing", "get_type_hints")]
    [InlineData("dataclasses", "_create_fn")]
    [InlineData("site", "addsitedir")]
    [InlineData("unittest.loader", "TestLoader.discover")]
    [InlineData("unittest.mock", "patch")]
    [InlineData("multiprocessing.util", "spawnv_passfds")]
    [InlineData("asyncio.unix_events", "_UnixSubprocessTransport._start")] // CVE-2025-10157
    [InlineData("mlflow.projects.backend.local", "_run_entry_point")]
    [InlineData("pandas", "read_csv")]
    [InlineData("pandas", "read_pickle")]
    [InlineData("_interpreters", "run_string")] // GHSA-6ggj-6f2q-f7mx
    [InlineData("linecache", "getline")] // GHSA-r48f-3986-4f9c
    [InlineData("gc", "get_objects")]
    [InlineData("platform", "popen")] // GHSA-5cxw-w2xg-2m8h
    [InlineData("shutil", "rmtree")]
    [InlineData("sys", "exit")]
    [InlineData("requests.api", "get")]
    [InlineData("aiohttp.client", "ClientSession")]
    [InlineData("fickling", "hook")] // §9.6 G scanner self-defence
    [InlineData("zipimport", "zipimporter")]
    [InlineData("atexit", "register")]
    [InlineData("weakref", "finalize")]
    [InlineData("itertools", "starmap")]
    [InlineData("contextlib", "ExitStack")] // §9.6 E callback registrars
    [InlineData("contextvars", "Context")]
    [InlineData("concurrent.futures.thread", "ThreadPoolExecutor")]
    [InlineData("sched", "scheduler")]
    public void Judge_GadgetImportAndCall_Malicious(string module, string name)
    {
        byte[] pickle = new PickleAssembler().Proto(4).CallWithString(module, name, "id").Stop().ToArray();
        AssertVerdict(Verdict.Malicious, pickle, PickleRules.DangerousImport);
    }

    // ---- C: name resolution ----

    [Theory]
    [InlineData("site", "os.system")] // §9.1 A
    [InlineData("random", "_os.system")] // §9.1 B
    [InlineData("pathlib", "os.system")] // GHSA-5j3x-jp52-966f
    [InlineData("pydantic", "_os.system")]
    [InlineData("pathlib", "Path.write_text")] // §9.1 G
    public void Judge_DottedNameThroughModule_Malicious(string module, string name) =>
        AssertVerdict(Verdict.Malicious, new PickleAssembler().Proto(4).CallWithString(module, name, "x").Stop().ToArray(), PickleRules.DangerousImport);

    [Theory]
    [InlineData("cPickle", "loads")] // §9.1 L
    [InlineData("urllib2", "urlopen")] // §9.1 M
    [InlineData("urllib", "urlretrieve")] // §9.1 N
    [InlineData("commands", "getoutput")]
    [InlineData("__builtin__", "reduce")]
    [InlineData("itertools", "imap")]
    [InlineData("__builtin__", "eval")]
    public void Judge_Python2NamesMappedByCompatPickle_Malicious(string module, string name)
    {
        byte[] pickle = new PickleAssembler().Proto(2).CallWithString(module, name, "x", protocol: 2).Stop().ToArray();
        PickleJudgement j = Judge(pickle);
        Assert.Equal(Verdict.Malicious, j.Verdict);
        Assert.Contains(j.Findings, f => f.Evidence.ContainsKey("written-as"));
    }

    [Fact]
    public void Judge_DunderAttributeInName_Malicious() =>
        AssertVerdict(Verdict.Malicious, new PickleAssembler().Proto(4).CallWithString("torch._utils", "_rebuild_tensor_v2.__globals__", "x").Stop().ToArray(), PickleRules.DunderAccess);

    // ---- B: parser / VM differential ----

    [Fact]
    public void Judge_TruncatedAfterMaliciousCall_MaliciousAndMalformed()
    {
        // B10 (nullifAI): os.system runs, then the stream breaks.
        byte[] pickle = new PickleAssembler().Proto(4).CallWithString("os", "system", "id").Raw((byte)'X', 0x00, 0x10, 0x00, 0x00, 0x41).ToArray();
        PickleJudgement j = Judge(pickle);
        Assert.Equal(Verdict.Malicious, j.Verdict);
        Assert.Contains(j.Findings, f => f.RuleId == PickleRules.Malformed);
    }

    [Fact]
    public void Judge_InvalidUtf8AfterValidPrefix_Malformed()
    {
        byte[] pickle = new PickleAssembler().Proto(4).EmptyDict().Raw(0x8C, 2, 0xC3, 0x28).Stop().ToArray();
        AssertVerdict(Verdict.Malformed, pickle, PickleRules.Malformed);
    }

    [Fact]
    public void Judge_PayloadInLaterStream_Malicious()
    {
        // B11: benign first pickle, junk-free concatenation, payload in the second (picklescan malicious6 shape).
        byte[] pickle = [.. new PickleAssembler().Proto(4).EmptyList().Stop().ToArray(), .. new PickleAssembler().Proto(4).CallWithString("requests.api", "get", "https://x").Stop().ToArray()];
        AssertVerdict(Verdict.Malicious, pickle);
    }

    [Fact]
    public void Judge_JunkAfterStop_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, [.. new PickleAssembler().Proto(4).EmptyDict().Stop().ToArray(), 0x00, 0x01, 0x02], PickleRules.TrailingData);

    [Fact]
    public void Judge_OpcodeStraddlesFrame_Suspicious()
    {
        // B12: FRAME of 2 bytes, then a 4-byte SHORT_BINUNICODE crossing the frame end.
        byte[] pickle = new PickleAssembler().Proto(4).Frame(2).ShortBinUnicode("ab").Stop().ToArray();
        AssertVerdict(Verdict.Suspicious, pickle, PickleRules.ParserDifferential);
    }

    [Fact]
    public void Judge_DuplicateProto_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, new PickleAssembler().Proto(4).EmptyDict().Proto(2).Stop().ToArray(), PickleRules.ParserDifferential);

    [Fact]
    public void Judge_Protocol5OpcodesInProtocol2_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, new PickleAssembler().Proto(2).ByteArray8([1, 2]).Stop().ToArray(), PickleRules.ParserDifferential);

    [Fact]
    public void Judge_NextBuffer_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, new PickleAssembler().Proto(5).NextBuffer().ReadOnlyBuffer().Stop().ToArray(), PickleRules.ParserDifferential);

    [Fact]
    public void Judge_UnknownOpcode_Malformed() =>
        AssertVerdict(Verdict.Malformed, new PickleAssembler().Proto(4).Raw(0xFF).Stop().ToArray(), PickleRules.Malformed);

    [Fact]
    public void Judge_MemoIndirectionHidesRealGlobal_Malicious()
    {
        // B14 (picklescan malicious11 / ModelScan #85): decoy strings memoised, the real ones fetched with GET.
        byte[] pickle = new PickleAssembler()
            .Unicode("os").Put(2).Pop().Unicode("system").Put(3).Pop().Unicode("torch").Put(0).Pop().Unicode("LongStorage").Put(1).Pop()
            .Get(2).Get(3).StackGlobal().Mark().Unicode("id").Tuple().Reduce().Stop().ToArray();
        PickleJudgement j = Judge(pickle);
        Assert.Equal(Verdict.Malicious, j.Verdict);
        Assert.Contains(j.Trace.Imports, i => i.Module == "os" && i.Name == "system");
    }

    [Fact]
    public void Judge_MissingMemoKeyAfterPayload_MaliciousAndMalformed()
    {
        // Invalid memo (picklescan d3273f4): BINGET of a key never stored, after os.system ran.
        byte[] pickle = new PickleAssembler().Proto(4).Global("os", "system").Unicode("id").Tuple1().Reduce().Pop().BinGet(3).Stop().ToArray();
        PickleJudgement j = Judge(pickle);
        Assert.Equal(Verdict.Malicious, j.Verdict);
        Assert.Contains(j.Findings, f => f.RuleId == PickleRules.Malformed && f.Evidence["code"] == "pickle.memo-missing");
    }

    [Fact]
    public void Judge_MemoIntUsedAsName_Malformed()
    {
        // Type confusion: an int from the memo as a STACK_GLOBAL operand; CPython raises.
        byte[] pickle = new PickleAssembler().Proto(4).BinInt(42).Memoize().ShortBinUnicode("os").Memoize().BinGet(0).BinGet(1).StackGlobal().Stop().ToArray();
        AssertVerdict(Verdict.Malformed, pickle, PickleRules.Malformed);
    }

    [Theory]
    [InlineData("STRING")] // GHSA-9gvj-pp9x-gcfr
    [InlineData("BINSTRING")]
    [InlineData("SHORT_BINSTRING")]
    [InlineData("UNICODE")]
    [InlineData("BINUNICODE")]
    [InlineData("BINUNICODE8")]
    public void Judge_StackGlobalOperandsFromAnyStringOpcode_Malicious(string opcode)
    {
        var a = new PickleAssembler().Proto(4);
        foreach (string s in new[] { "os", "system" })
        {
            _ = opcode switch
            {
                "STRING" => a.StringLine(s),
                "BINSTRING" => a.BinString(s),
                "SHORT_BINSTRING" => a.ShortBinString(s),
                "UNICODE" => a.Unicode(s),
                "BINUNICODE" => a.BinUnicode(s),
                _ => a.BinUnicode8(s),
            };
        }
        AssertVerdict(Verdict.Malicious, a.StackGlobal().Mark().Unicode("id").Tuple().Reduce().Stop().ToArray(), PickleRules.DangerousImport);
    }

    [Fact]
    public void Judge_StackGlobalNameComputedAtLoadTime_Malicious()
    {
        // B15 / ModelScan #331: module name is the result of a call (str.join-like).
        byte[] pickle = new PickleAssembler().Proto(4)
            .Import("builtins", "str", 4).ShortBinUnicode("o").Tuple1().Reduce()
            .ShortBinUnicode("system").StackGlobal().Mark().Unicode("id").Tuple().Reduce().Stop().ToArray();
        AssertVerdict(Verdict.Malicious, pickle, PickleRules.DynamicGlobal);
    }

    [Fact]
    public void Judge_CallViaObjDiscardedByPop_Malicious()
    {
        // B16 / GHSA-mxhj-88fx-4pcv: OBJ call whose result is POPped.
        byte[] pickle = new PickleAssembler().Proto(2).Mark().Global("os", "system").Unicode("id").Obj().Pop().NewTrue().Stop().ToArray();
        AssertVerdict(Verdict.Malicious, pickle, PickleRules.DangerousImport);
    }

    [Fact]
    public void Judge_CallViaInst_Malicious() => // picklescan #21
        AssertVerdict(Verdict.Malicious, new PickleAssembler().Mark().StringLine("id").Inst("os", "system").Stop().ToArray(), PickleRules.DangerousImport);

    [Fact]
    public void Judge_NewObjEx_RecordsCall() =>
        AssertVerdict(Verdict.Malicious, new PickleAssembler().Proto(4).Import("subprocess", "Popen", 4).EmptyTuple().EmptyDict().NewObjWithKeywords().Stop().ToArray(), PickleRules.DangerousImport);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Judge_ExtensionRegistry_Suspicious(int width)
    {
        var a = new PickleAssembler().Proto(2);
        _ = width switch { 1 => a.Ext1(7), 2 => a.Ext2(300), _ => a.Ext4(70000) };
        AssertVerdict(Verdict.Suspicious, a.Stop().ToArray(), PickleRules.ExtensionImport);
    }

    [Fact]
    public void Judge_PersistentIdOutsidePyTorch_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, new PickleAssembler().Proto(2).PersId("anything").Stop().ToArray(), PickleRules.PersistentId);

    [Fact]
    public void Judge_BuildOnModule_Malicious()
    {
        // sys_module_override / ModelScan #85: BUILD sets attributes of a module object.
        byte[] pickle = new PickleAssembler().Proto(4)
            .ShortBinUnicode("torch").ShortBinUnicode("_utils").StackGlobal()
            .EmptyDict().ShortBinUnicode("_rebuild_tensor").ShortBinUnicode("builtins").SetItem().Build().Stop().ToArray();
        AssertVerdict(Verdict.Malicious, pickle, PickleRules.GlobalMutation);
    }

    [Fact]
    public void Judge_SetItemOnGlobal_Malicious() =>
        AssertVerdict(Verdict.Malicious, new PickleAssembler().Proto(4).Import("torch", "Tensor", 4).ShortBinUnicode("k").ShortBinUnicode("v").SetItem().Stop().ToArray(), PickleRules.GlobalMutation);

    [Fact]
    public void Judge_BuildWithDunderState_Malicious()
    {
        byte[] pickle = new PickleAssembler().Proto(4).Import("collections", "OrderedDict", 4).EmptyTuple().Reduce()
            .EmptyDict().ShortBinUnicode("__class__").None().SetItem().Build().Stop().ToArray();
        AssertVerdict(Verdict.Malicious, pickle, PickleRules.DunderAccess);
    }

    [Fact]
    public void Judge_CallOfCallResult_Malicious()
    {
        // E: attrgetter-style laundering without a deny-listed name: an allowlisted call's result is called.
        byte[] pickle = new PickleAssembler().Proto(4).Import("collections", "OrderedDict", 4).EmptyTuple().Reduce().EmptyTuple().Reduce().Stop().ToArray();
        AssertVerdict(Verdict.Malicious, pickle, PickleRules.ComputedCallable);
    }

    [Fact]
    public void Judge_CallOfDataOnlyGlobal_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, new PickleAssembler().Proto(2).Global("torch", "FloatStorage").EmptyTuple().Reduce().Stop().ToArray(), PickleRules.CallNotAllowed);

    [Fact]
    public void Judge_CodecsEncodeWithOtherCodec_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, new PickleAssembler().Proto(2).Global("_codecs", "encode").BinUnicode("x").BinUnicode("rot13").Tuple2().Reduce().Stop().ToArray(), PickleRules.UnsafeArguments);

    [Fact]
    public void Judge_UnknownImport_Suspicious() =>
        AssertVerdict(Verdict.Suspicious, new PickleAssembler().Proto(4).Import("mylib.models", "Net", 4).EmptyTuple().NewObj().Stop().ToArray(), PickleRules.ImportNotAllowed);

    [Fact]
    public void Judge_UltralyticsStyleBuiltinGetattr_Malicious() =>
        AssertVerdict(Verdict.Malicious, new PickleAssembler().Proto(2).Global("__builtin__", "getattr").Stop().ToArray(), PickleRules.DangerousImport);

    // ---- A3: legacy torch stacked pickles ----

    [Fact]
    public void Judge_LegacyTorchLayoutWithStorages_Safe() =>
        AssertVerdict(Verdict.Safe, LegacyTorch(PickleAssembler.PyTorchStateDict(2), payloadStream: -1));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Judge_LegacyTorchPayloadInAnyStream_Malicious(int stream) =>
        AssertVerdict(Verdict.Malicious, LegacyTorch(PickleAssembler.PyTorchStateDict(1), stream));

    [Fact]
    public void Judge_LegacyTorchMagicBuiltByEval_Malicious()
    {
        // GHSA-97f8-7cmv-76j2: the magic number is eval("0x1950a86a20f9469cfc6c").
        byte[] pickle = new PickleAssembler().Proto(2).Global("__builtin__", "eval").BinUnicode("0x1950a86a20f9469cfc6c").Tuple1().Reduce().Stop().ToArray();
        AssertVerdict(Verdict.Malicious, pickle, PickleRules.DangerousImport);
    }

    [Fact]
    public void Judge_MoreThanFiveStackedPickles_PayloadInSixthMalicious()
    {
        byte[] six = [.. LegacyTorch(PickleAssembler.PyTorchStateDict(1), -1, storages: false), .. new PickleAssembler().Proto(2).CallWithString("os", "system", "id", 2).Stop().ToArray()];
        AssertVerdict(Verdict.Malicious, six);
    }

    private static byte[] LegacyTorch(byte[] objectPickle, int payloadStream, bool storages = true)
    {
        byte[] payload = new PickleAssembler().Proto(2).CallWithString("os", "system", "id", 2).Stop().ToArray();
        var streams = new List<byte[]>
        {
            new PickleAssembler().Proto(2).Long1(0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19).Stop().ToArray(),
            new PickleAssembler().Proto(2).BinInt2(1001).Stop().ToArray(),
            new PickleAssembler().Proto(2).EmptyDict().BinUnicode("little_endian").NewTrue().SetItem().Stop().ToArray(),
            objectPickle,
            new PickleAssembler().Proto(2).Mark().BinUnicode("0").List().Stop().ToArray(),
        };
        if (payloadStream >= 0)
        {
            streams[payloadStream] = payload;
        }
        var all = new List<byte>();
        streams.ForEach(all.AddRange);
        if (storages)
        {
            all.AddRange(new byte[] { 16, 0, 0, 0, 0, 0, 0, 0 });
            all.AddRange(new byte[64]);
        }
        return [.. all];
    }

    // ---- B17: limits ----

    [Fact]
    public void Judge_NestingBomb_IncompleteNotSafe()
    {
        var a = new PickleAssembler().Proto(4);
        for (int i = 0; i < 2000; i++)
        {
            a.Mark();
        }
        PickleTrace trace = PickleDecoder.Decode(new MemoryStream(a.Stop().ToArray()), new PickleDecoderOptions { MaxStackDepth = 1000 });
        PickleJudgement j = PickleJudge.Evaluate(trace, null, null, false);
        Assert.Equal(Verdict.Incomplete, j.Verdict);
        Assert.Contains(j.Findings, f => f.RuleId == PickleRules.LimitReached);
    }

    [Fact]
    public void Judge_TruncatedAtEveryOffset_NeverSafeAndMaliciousOnceCallSeen()
    {
        byte[] pickle = new PickleAssembler().Proto(4).CallWithString("os", "system", "id").Stop().ToArray();
        int reduceAt = Array.LastIndexOf(pickle, (byte)'R');
        for (int cut = 0; cut < pickle.Length; cut++)
        {
            PickleJudgement j = Judge(pickle[..cut]);
            Assert.NotEqual(Verdict.Safe, j.Verdict);
            if (cut > reduceAt)
            {
                Assert.Equal(Verdict.Malicious, j.Verdict);
            }
        }
    }

    [Fact]
    public void Vet_EngineRoutesPickleToPickleVetter_Malicious()
    {
        byte[] pickle = new PickleAssembler().Proto(4).CallWithString("os", "system", "id").Stop().ToArray();
        VetResult result = new ModelVetter().VetStream("evil.safetensors", new MemoryStream(pickle), pickle.Length);
        Assert.Equal("pickle", result.Format);
        Assert.Equal(Verdict.Malicious, result.Verdict);
    }

    [Fact]
    public void Vet_BenignStateDict_SafeWithProfile()
    {
        byte[] pickle = PickleAssembler.PyTorchStateDict();
        VetResult result = new ModelVetter().VetStream("model.pkl", new MemoryStream(pickle), pickle.Length);
        Assert.Equal(Verdict.Safe, result.Verdict);
        Assert.Equal("pytorch", result.Profile);
    }
}

internal static class SklearnFixtureExtensions
{
    /// <summary>An ndarray value inline (protocol 4) for estimator attributes.</summary>
    public static PickleAssembler NumpyArrayInline(this PickleAssembler a) =>
        a.Import("numpy.core.multiarray", "_reconstruct", 4).Import("numpy", "ndarray", 4).BinInt1(0).Tuple1().ShortBinBytes("b"u8.ToArray()).Tuple3().Reduce()
            .Mark().BinInt1(1).BinInt1(1).Tuple1().Import("numpy", "dtype", 4).ShortBinUnicode("f8").NewFalse().NewTrue().Tuple3().Reduce()
            .Mark().BinInt1(3).ShortBinUnicode("<").None().None().None().BinInt(-1).BinInt(-1).BinInt1(0).Tuple().Build()
            .NewFalse().ShortBinBytes(new byte[8]).Tuple().Build();
}
