using System.Net;
using System.Text;
using Lantern.Gateway.Apis;
using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Identity;
using Lantern.Gateway.Recording;
using Lantern.Gateway.Tests.Forwarding;
using Lantern.Governance.Policy;
using Lantern.Testing.Servers;

namespace Lantern.Gateway.Tests.Enforcement;

public sealed class PolicyEnforcerTests
{
    private const string Approved = OllamaWire.WeightsDigest;
    private static readonly string Other = new('b', 64);

    private static LocalAiPolicy Policy() => new()
    {
        Metadata = new PolicyMetadata { Name = "p", Owner = "quality@example.com", Version = "1" },
        Classifications = ["Public", "Internal", "Confidential", "Restricted"],
        UseCases =
        [
            new UseCase { Id = "coding", Description = "code", MaxClassification = "Internal" },
            new UseCase { Id = "hr", Description = "hr", MaxClassification = "Confidential" },
        ],
        Models =
        [
            new RegisteredModel { Name = "llama3.2:latest", Digests = [Approved], Status = ModelStatus.Approved, UseCases = ["coding"], MaxClassification = "Confidential" },
            new RegisteredModel { Name = "old:latest", Digests = [Other], Status = ModelStatus.Retired },
        ],
        Groups = [new UserGroup { Id = "interns", Members = ["bob"], MaxClassification = "Public" }],
    };

    private static readonly ApiRoute Chat = new(ApiFamily.Ollama, RouteClass.Inference, "chat", true);

    private static EnforcementRequest Request(string? digest = Approved, string? useCase = "coding", string? dataClass = null, string user = "alice",
        bool cloud = false, ApiRoute? route = null) => new()
    {
        Route = route ?? Chat,
        Caller = new CallerInfo { User = user, ClientAddress = "127.0.0.1", Source = "socket-owner" },
        RequestedModel = "llama3.2",
        Model = new ModelIdentity { Name = "llama3.2:latest", Digest = digest, IsCloud = cloud, UnresolvedReason = digest is null ? "hashing" : null },
        UseCase = useCase,
        Classification = new PromptClassification(dataClass, new Dictionary<string, int> { ["email"] = 1 }, false),
    };

    [Theory]
    [InlineData(null, "coding", null, "alice", false, "model-digest-unresolved")]
    [InlineData("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "coding", null, "alice", false, "model-not-approved")]
    [InlineData("cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "coding", null, "alice", false, "model-not-approved")]
    [InlineData(Approved, null, null, "alice", false, "use-case-missing")]
    [InlineData(Approved, "sales", null, "alice", false, "use-case-unknown")]
    [InlineData(Approved, "hr", null, "alice", false, "use-case-not-allowed-for-model")]
    [InlineData(Approved, "coding", "Confidential", "alice", false, "data-class-above-use-case")]
    [InlineData(Approved, "coding", "Restricted", "alice", false, "data-class-above-model")]
    [InlineData(Approved, "coding", "Internal", "bob", false, "data-class-above-group")]
    [InlineData(Approved, "coding", "Secret", "alice", false, "data-class-unknown")]
    [InlineData(Approved, "coding", null, "alice", true, "cloud-model")]
    public void Evaluate_Refusals_CarryReasonCode(string? digest, string? useCase, string? dataClass, string user, bool cloud, string code)
    {
        EnforcementDecision decision = new PolicyEnforcer(Policy(), new GatewayRules()).Evaluate(Request(digest, useCase, dataClass, user, cloud));
        Assert.False(decision.Allowed);
        Assert.Equal(code, decision.ReasonCode);
        Assert.False(string.IsNullOrWhiteSpace(decision.Message));
    }

    [Fact]
    public void Evaluate_ApprovedDigestAllowedUseCaseAndClass_Allows()
    {
        EnforcementDecision decision = new PolicyEnforcer(Policy(), new GatewayRules()).Evaluate(Request(dataClass: "Internal"));
        Assert.True(decision.Allowed);
        Assert.Equal("llama3.2:latest", decision.RegistryEntry);
    }

    [Fact]
    public void Evaluate_UnresolvedDigest_AllowedByNameWhenRuleSet()
    {
        var enforcer = new PolicyEnforcer(Policy(), new GatewayRules { AllowApprovedByName = true });
        Assert.True(enforcer.Evaluate(Request(digest: null)).Allowed);
    }

    [Theory]
    [InlineData(RouteClass.Management, "management-not-allowed")]
    [InlineData(RouteClass.CloudAccount, "cloud-account-not-allowed")]
    [InlineData(RouteClass.Other, "route-not-allowed")]
    public void Evaluate_GatedRouteClasses_RefusedByDefault_AllowedByRules(RouteClass routeClass, string code)
    {
        var route = new ApiRoute(ApiFamily.Ollama, routeClass, "x", false);
        Assert.Equal(code, new PolicyEnforcer(Policy(), new GatewayRules()).Evaluate(Request(route: route)).ReasonCode);
        var open = new GatewayRules { AllowManagement = true, AllowCloudModels = true, AllowUnknownRoutes = true };
        Assert.True(new PolicyEnforcer(Policy(), open).Evaluate(Request(route: route)).Allowed);
    }

    [Fact]
    public async Task Gateway_UnapprovedModel_403InOllamaShapeWithRecord_NotForwarded()
    {
        await using GatewayFixture gw = await GatewayFixture.StartAsync(
            OllamaWire.With(_ => UpstreamReply.Json("{}"), OllamaWire.Show(Other)),
            services: s => s with { Enforcer = new PolicyEnforcer(Policy(), new GatewayRules()) });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/chat")
        {
            Content = new StringContent("""{"model":"llama3.2","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Lantern-Use-Case", "coding");

        using HttpResponseMessage response = await gw.Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("{\"error\":\"Lantern gateway refused this call: ", body, StringComparison.Ordinal);
        Assert.Contains("is registered as 'old:latest' with status Retired", body, StringComparison.Ordinal);
        Assert.DoesNotContain(gw.Upstream.Requests, r => r.Path == "/api/chat");
        GatewayCallRecord record = Assert.Single(await gw.Sink.WaitForAsync(1));
        Assert.Equal(CallEndState.Blocked, record.EndState);
        Assert.Equal("model-not-approved", record.RefusalCode);
        Assert.Equal(403, record.HttpStatus);
        Assert.Equal(Other, record.ModelDigest);
        Assert.Equal(1, gw.Host.Metrics.Refusals("model-not-approved"));
    }

    [Fact]
    public async Task Gateway_ManagementCall_403InOpenAiShapeForV1AndOllamaForPull()
    {
        await using GatewayFixture gw = await GatewayFixture.StartAsync(_ => UpstreamReply.Json("{}"),
            services: s => s with { Enforcer = new PolicyEnforcer(Policy(), new GatewayRules()) });

        using HttpResponseMessage pull = await gw.Client.PostAsync("api/pull", new StringContent("""{"model":"llama3.2"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, pull.StatusCode);
        Assert.Contains("model management ('pull') is not allowed", await pull.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(gw.Upstream.Requests);
    }
}
