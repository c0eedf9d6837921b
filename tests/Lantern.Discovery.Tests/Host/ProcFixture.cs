using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using Lantern.Testing;

namespace Lantern.Discovery.Tests.Host;

/// <summary>Builds a fake procfs tree (net/tcp*, per-pid status, cmdline, exe, fd symlinks, fdinfo, environ) in a temp folder.</summary>
internal sealed class ProcFixture : IDisposable
{
    private readonly TempDirectory _temp = new("lantern-proc");
    private readonly List<string> _tcp = [];
    private readonly List<string> _tcp6 = [];
    private int _slot;

    public ProcFixture()
    {
        Root = _temp.Dir("proc");
        PasswdPath = _temp.File("etc/passwd");
        File.WriteAllText(PasswdPath, "root:x:0:0:root:/root:/bin/bash\nollama:x:998:998::/usr/share/ollama:/bin/false\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n");
        DevRoot = _temp.Dir("dev");
        SysRoot = _temp.Dir("sys");
    }

    public string Root { get; }
    public string PasswdPath { get; }
    public string DevRoot { get; }
    public string SysRoot { get; }

    /// <summary>The kernel's <c>%08X</c> per 32-bit word in host order (net/ipv4/tcp_ipv4.c).</summary>
    public static string ProcHex(IPAddress address)
    {
        byte[] bytes = address.GetAddressBytes();
        var sb = new StringBuilder();
        for (int i = 0; i < bytes.Length; i += 4)
        {
            uint word = BitConverter.IsLittleEndian
                ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i, 4))
                : BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i, 4));
            sb.Append(word.ToString("X8", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public ProcFixture Listen(IPAddress address, int port, long inode, int uid = 1000, string state = "0A")
    {
        string local = $"{ProcHex(address)}:{port:X4}";
        string remote = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "00000000:0000" : new string('0', 32) + ":0000";
        string line = $"{_slot++,4}: {local} {remote} {state} 00000000:00000000 00:00000000 00000000 {uid,5}        0 {inode} 1 0000000000000000 100 0 0 10 0";
        (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? _tcp : _tcp6).Add(line);
        return this;
    }

    public ProcFixture RawTcpLine(string line)
    {
        _tcp.Add(line);
        return this;
    }

    public void WriteNet()
    {
        Directory.CreateDirectory(Path.Combine(Root, "net"));
        File.WriteAllText(Path.Combine(Root, "net", "tcp"),
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" + string.Join('\n', _tcp) + "\n");
        File.WriteAllText(Path.Combine(Root, "net", "tcp6"),
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" + string.Join('\n', _tcp6) + "\n");
    }

    public ProcessBuilder Process(int pid, string comm) => new(this, pid, comm);

    public void Dispose() => _temp.Dispose();

    internal sealed class ProcessBuilder(ProcFixture fixture, int pid, string comm)
    {
        private int _ppid = 1;
        private int _uid = 1000;
        private string? _exe;
        private string? _cwd;
        private string[] _argv = [];
        private readonly List<(string Target, string? Fdinfo)> _fds = [];
        private readonly Dictionary<string, string> _environment = [];

        public ProcessBuilder Parent(int ppid) { _ppid = ppid; return this; }
        public ProcessBuilder Uid(int uid) { _uid = uid; return this; }
        public ProcessBuilder Exe(string exe) { _exe = exe; return this; }
        public ProcessBuilder Cwd(string cwd) { _cwd = cwd; return this; }
        public ProcessBuilder Argv(params string[] argv) { _argv = argv; return this; }
        public ProcessBuilder Socket(long inode) { _fds.Add(($"socket:[{inode}]", null)); return this; }
        public ProcessBuilder Fd(string target, string? fdinfo = null) { _fds.Add((target, fdinfo)); return this; }
        public ProcessBuilder Env(string key, string value) { _environment[key] = value; return this; }

        public string Write()
        {
            string dir = Path.Combine(fixture.Root, pid.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "status"),
                $"Name:\t{comm}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{_ppid}\nTracerPid:\t0\nUid:\t{_uid}\t{_uid}\t{_uid}\t{_uid}\nGid:\t{_uid}\t{_uid}\t{_uid}\t{_uid}\n");
            // cmdline is NUL-separated with a trailing NUL.
            File.WriteAllBytes(Path.Combine(dir, "cmdline"), Encoding.UTF8.GetBytes(string.Concat(_argv.Select(a => a + "\0"))));
            File.WriteAllBytes(Path.Combine(dir, "environ"), Encoding.UTF8.GetBytes(string.Concat(_environment.Select(kv => $"{kv.Key}={kv.Value}\0"))));
            if (_exe is not null)
            {
                File.CreateSymbolicLink(Path.Combine(dir, "exe"), _exe);
            }
            if (_cwd is not null)
            {
                File.CreateSymbolicLink(Path.Combine(dir, "cwd"), _cwd);
            }
            string fdDir = Path.Combine(dir, "fd");
            string fdinfoDir = Path.Combine(dir, "fdinfo");
            Directory.CreateDirectory(fdDir);
            Directory.CreateDirectory(fdinfoDir);
            File.CreateSymbolicLink(Path.Combine(fdDir, "0"), "/dev/null");
            for (int i = 0; i < _fds.Count; i++)
            {
                string fd = (i + 3).ToString(CultureInfo.InvariantCulture);
                File.CreateSymbolicLink(Path.Combine(fdDir, fd), _fds[i].Target);
                File.WriteAllText(Path.Combine(fdinfoDir, fd), _fds[i].Fdinfo ?? "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1\n");
            }
            return dir;
        }
    }
}
