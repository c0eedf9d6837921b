namespace Lantern.Vetting.Rules.Pickle;

/// <summary>
/// Globals that make a pickle malicious, by category (formats.md §9.2–§9.6 D/E/F/G and the advisories cited there).
/// Entries match a resolved path and every dotted prefix of it (<c>os</c> covers <c>os.system</c>; <c>asyncio</c>
/// covers <c>asyncio.unix_events._UnixSubprocessTransport._start</c>, CVE-2025-10157), and dotted names are also
/// matched from every inner segment on (<c>site</c> + <c>os.system</c>, <c>random</c> + <c>_os.system</c>; §9.6 C18),
/// with the private-alias underscore dropped. Module aliases are listed under every spelling (§9.6 C20).
/// The allowlist is what makes a file safe; this list only decides malicious versus suspicious.
/// </summary>
internal static class PickleDenyList
{
    private const string CodeExecution = "code execution";
    private const string Process = "process creation";
    private const string ImportMachinery = "module import machinery";
    private const string FileIo = "file I/O";
    private const string Network = "network I/O";
    private const string Laundering = "attribute or call laundering";
    private const string NestedUnpickling = "nested deserialisation";
    private const string InterpreterState = "interpreter state tampering";
    private const string ScannerTampering = "scanner self-defence";
    private const string HostInformation = "host information or resource tampering";

    private static readonly Dictionary<string, string> Entries = Build();

    /// <summary>The deny category for a resolved global, or null.</summary>
    public static string? Category(string module, string name)
    {
        string full = $"{module}.{name}";
        if (MatchPrefixes(full) is { } direct)
        {
            return direct;
        }
        // Dotted names walk attributes: any inner module reached on the way counts (site.os.system → os.system).
        string[] segments = full.Split('.');
        int moduleSegments = module.Split('.').Length;
        for (int i = moduleSegments; i <= segments.Length - 2; i++)
        {
            string first = segments[i].TrimStart('_');
            if (first.Length > 0 && MatchPrefixes(string.Join('.', [first, .. segments[(i + 1)..]])) is { } inner)
            {
                return inner;
            }
        }
        return null;
    }

    /// <summary>True when a segment of the name is a dunder attribute (<c>__globals__</c>, <c>__builtins__</c>, <c>__dict__</c>…).</summary>
    public static bool HasDunderSegment(string name)
    {
        foreach (string segment in name.Split('.'))
        {
            if (segment.Length > 4 && segment.StartsWith("__", StringComparison.Ordinal) && segment.EndsWith("__", StringComparison.Ordinal)
                && segment is not ("__newobj__" or "__newobj_ex__" or "__main__"))
            {
                return true;
            }
        }
        return false;
    }

    private static string? MatchPrefixes(string path)
    {
        int dot = -1;
        while (true)
        {
            dot = path.IndexOf('.', dot + 1);
            string prefix = dot < 0 ? path : path[..dot];
            if (Entries.TryGetValue(prefix, out string? category))
            {
                return category;
            }
            if (dot < 0)
            {
                return null;
            }
        }
    }

    private static Dictionary<string, string> Build()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string category, params string[] entries)
        {
            foreach (string e in entries)
            {
                d[e] = category;
            }
        }

        Add(CodeExecution,
            "builtins.eval", "builtins.exec", "builtins.compile", "builtins.execfile", "builtins.breakpoint", "builtins.input", "builtins.help",
            "code", "codeop", "pdb", "bdb", "timeit", "trace", "cProfile", "profile", "_lsprof", "doctest", "idlelib", "lib2to3", "pydoc",
            "_pyrepl", "runpy", "types.CodeType", "types.FunctionType", "types.LambdaType", "types.MethodType", "types.new_class",
            "types.ModuleType", "marshal", "typing._eval_type", "typing.get_type_hints", "typing.ForwardRef", "dataclasses._create_fn",
            "numpy.testing", "numpy.f2py", "numpy.distutils", "torch._inductor", "torch._dynamo", "torch.jit.unsupported_tensor_ops",
            "torch.fx.experimental.symbolic_shapes", "torch.utils.bottleneck", "torch.utils.cpp_extension", "torch.utils._config_module",
            "torch.utils.data.datapipes.utils.decoder", "torch.package", "torch.compile", "py_compile", "compileall", "_interpreters",
            "interpreters", "_xxsubinterpreters", "test", "unittest", "linecache", "difflib", "mlflow.projects", "yaml", "jinja2");
        Add(Process,
            "os", "posix", "nt", "subprocess", "_posixsubprocess", "_winapi", "pty", "tty", "asyncio", "multiprocessing", "_multiprocessing",
            "concurrent", "threading", "_thread", "platform", "_osx_support", "_aix_support", "uuid._get_command_stdout", "uuid._popen",
            "uuid._find_mac", "uuid._find_mac_near_keyword", "uuid._find_mac_under_heading", "uuid._ifconfig_getnode", "uuid._ip_getnode",
            "uuid._arp_getnode", "uuid._lanscan_getnode", "uuid._netstat_getnode", "imaplib", "pipes", "mailcap", "webbrowser",
            "torch.utils.collect_env", "torch.multiprocessing", "mlflow.utils.process", "signal", "sched", "atexit");
        Add(ImportMachinery,
            "builtins.__import__", "importlib", "imp", "zipimport", "pkgutil", "site", "sysconfig", "distutils", "setuptools",
            "_distutils_hack", "pip", "ensurepip", "venv", "torch.hub", "copyreg.add_extension", "copyreg._inverted_registry",
            "copyreg._extension_registry");
        Add(FileIo,
            "builtins.open", "io.open", "io.open_code", "io.FileIO", "io.TextIOWrapper", "io.BufferedReader", "io.BufferedWriter",
            "io.BufferedRandom", "_io", "shutil", "tempfile", "fileinput", "glob", "mmap", "dbm", "zipfile", "tarfile", "gzip.open",
            "gzip.GzipFile", "bz2.open", "bz2.BZ2File", "lzma.open", "lzma.LZMAFile", "logging.FileHandler", "logging.handlers",
            "logging.config", "logging.basicConfig", "numpy.load", "numpy.loadtxt", "numpy.genfromtxt", "numpy.fromfile", "numpy.save",
            "numpy.savez", "numpy.savez_compressed", "numpy.savetxt", "numpy.memmap", "numpy.lib.npyio", "numpy.lib.format",
            "numpy.ctypeslib", "torch.save", "pandas.io", "keras.utils.get_file", "tensorflow.keras.utils.get_file", "xml.sax", "xml.dom",
            "xml.etree.ElementTree.parse", "xml.etree.ElementTree.iterparse", "xml.etree.ElementInclude");
        foreach (string cls in new[] { "Path", "PosixPath", "WindowsPath" })
        {
            foreach (string method in new[] { "write_text", "write_bytes", "touch", "unlink", "mkdir", "rename", "replace", "rmdir", "chmod", "lchmod", "symlink_to", "hardlink_to", "link_to", "open", "read_text", "read_bytes" })
            {
                Add(FileIo, $"pathlib.{cls}.{method}");
            }
        }
        foreach (string reader in new[] { "read_pickle", "read_csv", "read_json", "read_html", "read_excel", "read_parquet", "read_sql", "read_sql_query", "read_sql_table", "read_table", "read_xml", "read_feather", "read_hdf", "read_orc", "read_stata", "read_sas", "read_spss", "read_fwf", "read_clipboard", "read_gbq" })
        {
            Add(FileIo, $"pandas.{reader}");
        }
        Add(Network,
            "socket", "_socket", "socketserver", "ssl", "urllib", "http", "ftplib", "smtplib", "smtpd", "telnetlib", "poplib", "nntplib",
            "xmlrpc", "requests", "aiohttp", "httpx", "urllib3", "wsgiref", "asynchat", "asyncore", "logging.HTTPHandler",
            "logging.SocketHandler", "logging.DatagramHandler", "logging.SMTPHandler", "logging.SysLogHandler", "torch.distributed");
        Add(Laundering,
            "builtins.getattr", "builtins.setattr", "builtins.delattr", "builtins.globals", "builtins.locals", "builtins.vars",
            "builtins.map", "builtins.filter", "builtins.apply", "builtins.reload", "builtins.type", "builtins.__build_class__",
            "builtins.super", "operator", "_operator", "functools.partial", "functools.reduce", "functools.partialmethod",
            "itertools.starmap", "itertools.takewhile", "itertools.dropwhile", "itertools.filterfalse", "itertools.groupby",
            "itertools.accumulate", "inspect", "weakref.finalize", "contextlib.ExitStack", "contextlib.AsyncExitStack",
            "contextvars.Context", "contextvars", "string.Formatter");
        Add(NestedUnpickling,
            "pickle", "_pickle", "cPickle", "dill", "cloudpickle", "shelve", "joblib.load", "joblib.numpy_pickle.load",
            "joblib.numpy_pickle.load_compatibility", "joblib.externals", "torch.load", "torch.serialization.load",
            "torch.serialization._load", "torch.serialization._legacy_load", "torch.serialization.legacy_load",
            "torch.storage._load_from_bytes", "torch.jit.load", "torch.jit._load_for_lite_interpreter", "torch._weights_only_unpickler",
            "numpy.lib.format.read_array", "keras.models.load_model", "tensorflow.keras.models.load_model");
        Add(InterpreterState, "sys", "gc", "builtins.__loader__", "builtins.__spec__", "ctypes", "_ctypes", "cffi", "resource");
        Add(ScannerTampering, "fickling", "picklescan", "modelscan", "modelaudit");
        Add(HostInformation, "getpass", "pwd", "grp", "spwd", "crypt", "syslog", "termios", "fcntl", "msvcrt", "winreg", "_winreg");
        return d;
    }
}
