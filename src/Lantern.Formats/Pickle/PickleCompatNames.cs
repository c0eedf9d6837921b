namespace Lantern.Formats.Pickle;

/// <summary>
/// The Python 2 → 3 renames CPython applies in <c>find_class</c> when the stream's protocol is below 3 and
/// <c>fix_imports</c> is on (the default): CPython <c>Lib/_compat_pickle.py</c> NAME_MAPPING, then IMPORT_MAPPING.
/// Scanners that match the raw name miss <c>cPickle.loads</c>, <c>commands.getoutput</c>, <c>__builtin__.reduce</c>
/// (formats.md §9.6 C19). The tables hold every entry that changes what a security judgement sees.
/// </summary>
internal static class PickleCompatNames
{
    private static readonly Dictionary<string, string> ImportMapping = new(StringComparer.Ordinal)
    {
        ["__builtin__"] = "builtins",
        ["copy_reg"] = "copyreg",
        ["Queue"] = "queue",
        ["SocketServer"] = "socketserver",
        ["ConfigParser"] = "configparser",
        ["repr"] = "reprlib",
        ["UserDict"] = "collections",
        ["UserList"] = "collections",
        ["UserString"] = "collections",
        ["whichdb"] = "dbm",
        ["StringIO"] = "io",
        ["cStringIO"] = "io",
        ["cPickle"] = "pickle",
        ["commands"] = "subprocess",
        ["urlparse"] = "urllib.parse",
        ["robotparser"] = "urllib.robotparser",
        ["urllib2"] = "urllib.request",
        ["anydbm"] = "dbm",
        ["_abcoll"] = "collections.abc",
        ["htmlentitydefs"] = "html.entities",
        ["HTMLParser"] = "html.parser",
        ["httplib"] = "http.client",
        ["Cookie"] = "http.cookies",
        ["cookielib"] = "http.cookiejar",
        ["BaseHTTPServer"] = "http.server",
        ["SimpleHTTPServer"] = "http.server",
        ["CGIHTTPServer"] = "http.server",
        ["test.test_support"] = "test.support",
        ["xmlrpclib"] = "xmlrpc.client",
        ["SimpleXMLRPCServer"] = "xmlrpc.server",
        ["DocXMLRPCServer"] = "xmlrpc.server",
        ["thread"] = "_thread",
        ["dummy_thread"] = "_dummy_thread",
        ["_winreg"] = "winreg",
        ["dbhash"] = "dbm.bsd",
        ["dumbdbm"] = "dbm.dumb",
        ["dbm"] = "dbm.ndbm",
        ["gdbm"] = "dbm.gnu",
        ["markupbase"] = "_markupbase",
        ["_socket"] = "_socket",
        ["tkFileDialog"] = "tkinter.filedialog",
        ["Tkinter"] = "tkinter",
        ["exceptions"] = "builtins",
    };

    private static readonly Dictionary<(string, string), (string, string)> NameMapping = new()
    {
        [("__builtin__", "xrange")] = ("builtins", "range"),
        [("__builtin__", "reduce")] = ("functools", "reduce"),
        [("__builtin__", "intern")] = ("sys", "intern"),
        [("__builtin__", "unichr")] = ("builtins", "chr"),
        [("__builtin__", "unicode")] = ("builtins", "str"),
        [("__builtin__", "long")] = ("builtins", "int"),
        [("itertools", "izip")] = ("builtins", "zip"),
        [("itertools", "imap")] = ("builtins", "map"),
        [("itertools", "ifilter")] = ("builtins", "filter"),
        [("itertools", "ifilterfalse")] = ("itertools", "filterfalse"),
        [("itertools", "izip_longest")] = ("itertools", "zip_longest"),
        [("UserDict", "IterableUserDict")] = ("collections", "UserDict"),
        [("UserList", "UserList")] = ("collections", "UserList"),
        [("UserString", "UserString")] = ("collections", "UserString"),
        [("whichdb", "whichdb")] = ("dbm", "whichdb"),
        [("_socket", "fromfd")] = ("socket", "fromfd"),
        [("_multiprocessing", "win32")] = ("_winapi", "_winapi"),
        [("urllib", "ContentTooShortError")] = ("urllib.error", "ContentTooShortError"),
        [("urllib", "getproxies")] = ("urllib.request", "getproxies"),
        [("urllib", "pathname2url")] = ("urllib.request", "pathname2url"),
        [("urllib", "quote_plus")] = ("urllib.parse", "quote_plus"),
        [("urllib", "quote")] = ("urllib.parse", "quote"),
        [("urllib", "unquote_plus")] = ("urllib.parse", "unquote_plus"),
        [("urllib", "unquote")] = ("urllib.parse", "unquote"),
        [("urllib", "url2pathname")] = ("urllib.request", "url2pathname"),
        [("urllib", "urlcleanup")] = ("urllib.request", "urlcleanup"),
        [("urllib", "urlencode")] = ("urllib.parse", "urlencode"),
        [("urllib", "urlopen")] = ("urllib.request", "urlopen"),
        [("urllib", "urlretrieve")] = ("urllib.request", "urlretrieve"),
        [("urllib2", "HTTPError")] = ("urllib.error", "HTTPError"),
        [("urllib2", "URLError")] = ("urllib.error", "URLError"),
        [("exceptions", "StandardError")] = ("builtins", "Exception"),
        [("socket", "_socketobject")] = ("socket", "SocketType"),
    };

    /// <summary>Applies NAME_MAPPING, else IMPORT_MAPPING, exactly in CPython's order.</summary>
    public static (string Module, string Name) Map(string module, string name)
    {
        if (NameMapping.TryGetValue((module, name), out (string, string) mapped))
        {
            return mapped;
        }
        return ImportMapping.TryGetValue(module, out string? renamed) ? (renamed, name) : (module, name);
    }
}
