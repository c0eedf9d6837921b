using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Gateway.Identity;
using Lantern.Gateway.Recording;
using Lantern.Gateway.Tests.Forwarding;
using Lantern.Testing;
using Lantern.Testing.Servers;

namespace Lantern.Gateway.Tests.Identity;

public sealed class CallerIdentityTests
{
    private const string Key = "lk-alice-0123456789abcdef";

    private static string KeysYaml() => $"""
        keys:
          - id: alice-laptop
            user: alice
            sha256: {ApiKeyStore.HashKey(Key)}
            defaultUseCase: coding
            groups: [engineering]
        """;

    [Fact]
    public void SocketOwnerLookup_LoopbackConnection_FindsThisProcessAndUser()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc exists only on Linux; other platforms use the address (documented).
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        using TcpClient accepted = listener.AcceptTcpClient();

        SocketOwner? owner = new SocketOwnerLookup().Find((IPEndPoint)accepted.Client.RemoteEndPoint!, (IPEndPoint)accepted.Client.LocalEndPoint!);

        Assert.NotNull(owner);
        Assert.Equal(Environment.ProcessId, owner.ProcessId);
        Assert.Equal(Environment.UserName, owner.UserName);
        Assert.False(string.IsNullOrEmpty(owner.Program));
    }

    [Theory]
    [InlineData("0100007F:1F90", "127.0.0.1", 8080)]
    [InlineData("0000000000000000FFFF00000100007F:2CAB", "127.0.0.1", 11435)]
    [InlineData("00000000000000000000000001000000:0050", "::1", 80)]
    public void ParseEndpoint_ProcNetTcpForms_ParsesAddressAndPort(string text, string address, int port)
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), SocketOwnerLookup.ParseEndpoint(text));
    }

    [Fact]
    public async Task Gateway_LoopbackCaller_RecordsOwnPidAndUser()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        await using GatewayFixture gw = await GatewayFixture.StartAsync(_ => UpstreamReply.Json("{}"));

        await gw.Client.GetStringAsync("api/version");

        CallerInfo caller = Assert.Single(await gw.Sink.WaitForAsync(1)).Caller;
        Assert.Equal("socket-owner", caller.Source);
        Assert.Equal(Environment.ProcessId, caller.ProcessId);
        Assert.Equal(Environment.UserName, caller.User);
    }

    [Fact]
    public async Task ApiKeys_MissingWrongRight_401Then401ThenForwardedWithoutKey()
    {
        using var dir = new TempDirectory();
        string keys = Path.Combine(dir.Path, "keys.yaml");
        await File.WriteAllTextAsync(keys, KeysYaml());
        await using GatewayFixture gw = await GatewayFixture.StartAsync(_ => UpstreamReply.Json("{\"version\":\"0.12.3\"}"), o => o with { ApiKeysFile = keys });

        using HttpResponseMessage missing = await gw.Client.GetAsync("api/version");
        using var wrongRequest = new HttpRequestMessage(HttpMethod.Get, "api/version");
        wrongRequest.Headers.Add("x-api-key", "nope");
        using HttpResponseMessage wrong = await gw.Client.SendAsync(wrongRequest);
        using var rightRequest = new HttpRequestMessage(HttpMethod.Get, "api/version");
        rightRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        using HttpResponseMessage right = await gw.Client.SendAsync(rightRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.StartsWith("{\"error\":\"Lantern gateway: an API key is required", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        UpstreamRequest forwarded = Assert.Single(gw.Upstream.Requests);
        Assert.False(forwarded.Headers.ContainsKey("Authorization"));
        Assert.False(forwarded.Headers.ContainsKey("x-api-key"));
        IReadOnlyList<GatewayCallRecord> records = await gw.Sink.WaitForAsync(3);
        Assert.Equal(["auth-missing", "auth-invalid", null], records.OrderBy(r => r.Sequence).Select(r => r.RefusalCode));
        GatewayCallRecord ok = records.Single(r => r.EndState == CallEndState.Completed);
        Assert.Equal("alice", ok.Caller.User);
        Assert.Equal("alice-laptop", ok.Caller.KeyId);
        Assert.Equal("coding", ok.UseCase);
    }

    [Fact]
    public void ApiKeyStore_UnknownKeyInFile_ErrorNamesLine()
    {
        var e = Assert.Throws<Lantern.Gateway.Hosting.GatewayConfigException>(() => ApiKeyStore.Parse("keys:\n  - id: a\n    user: b\n    sha256: " + new string('a', 64) + "\n    secret: x\n", "keys.yaml"));
        Assert.Contains("keys.yaml:5", e.Message, StringComparison.Ordinal);
        Assert.Contains("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApiKeyStore_Verify_MatchesOnlyTheRightKey()
    {
        ApiKeyStore store = ApiKeyStore.Parse(KeysYaml(), "keys.yaml");
        Assert.Equal("alice", store.Verify(Key)?.User);
        Assert.Null(store.Verify(Key + "x"));
        Assert.Null(store.Verify(Encoding.UTF8.GetString(new byte[2000])));
    }
}
