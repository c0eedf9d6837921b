using Lantern.Discovery.Host;

namespace Lantern.Discovery.Tests.Host;

public class InferenceProcessClassifierTests
{
    private static ProcessInfo P(int pid, string comm, string? exe, params string[] argv) =>
        new() { Pid = pid, ParentPid = 1, Name = comm, Executable = exe, Argv = argv };

    public static TheoryData<string, string?, string[], string?> Table => new()
    {
        { "ollama", "/usr/local/bin/ollama", ["/usr/local/bin/ollama", "serve"], "ollama" },
        { "ollama", "/usr/local/bin/ollama", ["/usr/local/bin/ollama", "runner", "--model", "/x"], "ollama" },
        { "ollama app.exe", null, [@"C:\Users\a\AppData\Local\Programs\Ollama\ollama app.exe"], "ollama" },
        { "llama-server", "/opt/llama.cpp/build/bin/llama-server", ["llama-server", "-m", "m.gguf"], "llama.cpp" },
        { "llama-cli", "/usr/bin/llama-cli", ["llama-cli"], "llama.cpp" },
        { "llama", "/usr/bin/llama", ["llama", "serve", "-hf", "org/repo"], "llama.cpp" },
        { "rpc-server", "/usr/bin/rpc-server", ["rpc-server", "-p", "50052"], "llama.cpp" },
        { "ggml-rpc-server", null, ["ggml-rpc-server"], "llama.cpp" },
        { "llama-server", "/usr/local/lib/ollama/llama-server", ["llama-server"], "ollama" },
        { "lms", "/home/a/.lmstudio/bin/lms", ["lms", "server", "start"], "lmstudio" },
        { "llmster", "/opt/llmster/llmster", ["llmster"], "lmstudio" },
        { "LM Studio", "/opt/LM Studio/lm-studio", ["/opt/LM Studio/lm-studio"], "lmstudio" },
        { "python3", "/usr/bin/python3.12", ["python3", "-m", "llama_cpp.server", "--model", "m.gguf"], "llama-cpp-python" },
        { "vllm", "/usr/bin/python3.12", ["/venv/bin/python3", "/venv/bin/vllm", "serve", "Qwen/Qwen2.5-0.5B"], "vllm" },
        { "python", "/usr/bin/python3.12", ["python", "-m", "vllm.entrypoints.openai.api_server", "--model", "m"], "vllm" },
        { "koboldcpp-linux", "/home/a/koboldcpp-linux-x64-cuda1210", ["./koboldcpp-linux-x64-cuda1210", "--model", "m.gguf"], "koboldcpp" },
        { "python3", "/usr/bin/python3", ["python3", "koboldcpp.py", "--model", "m.gguf"], "koboldcpp" },
        { "local-ai", "/usr/bin/local-ai", ["local-ai", "run"], "localai" },
        { "python", "/usr/bin/python3", ["python", "server.py", "--api"], "text-generation-webui" },
        { "python", "/usr/bin/python3", ["python", "one_click.py"], "text-generation-webui" },
        { "open-webui", "/usr/bin/python3.11", ["/venv/bin/python3.11", "/venv/bin/open-webui", "serve"], "open-webui" },
        { "python3", "/usr/bin/python3", ["python3", "-m", "mlx_lm.server", "--model", "mlx-community/x"], "mlx-lm" },
        { "chat", "/opt/gpt4all/bin/chat", ["/opt/gpt4all/bin/chat"], "gpt4all" },
        { "gpt4all", null, ["gpt4all"], "gpt4all" },
        { "Jan", "/usr/bin/Jan", ["Jan"], "jan" },
        { "Jan-Desktop", null, ["Jan-Desktop"], "jan" },
        { "com.docker.llam", "/Applications/Docker.app/Contents/Resources/bin/com.docker.llama-server", ["com.docker.llama-server"], "docker-model-runner" },
        { "model-runner", "/usr/libexec/docker/model-runner", ["model-runner"], "docker-model-runner" },
        { "foundry", "/usr/local/bin/foundry", ["foundry", "service", "start"], "foundry-local" },
        { "foundrylocald.e", null, [@"C:\Program Files\WindowsApps\Microsoft.FoundryLocal_0.10.3.0_x64__8wekyb3d8bbwe\foundrylocald.exe"], "foundry-local" },
        { "Inference.Servi", null, ["Inference.Service.Agent"], "foundry-local" },
        { "ape", "/usr/bin/ape", ["./Qwen2.5-0.5B.llamafile", "--server"], "llamafile" },
        { "AnythingLLMDesk", null, ["/home/a/.config/anythingllm-desktop/AnythingLLMDesktop.AppImage"], null },
        { "AnythingLLMDesk", "/tmp/.mount_Any/AnythingLLMDesktop", ["AnythingLLMDesktop"], "anythingllm" },
        { "MstyStudio", "/Applications/MstyStudio.app/Contents/MacOS/MstyStudio", ["MstyStudio"], "msty" },
        { "bash", "/usr/bin/bash", ["bash"], null },
        { "chat", "/usr/bin/chat", ["chat"], null },
        { "python3", "/usr/bin/python3", ["python3", "server.py"], null },
        { "python3", "/usr/bin/python3", ["python3", "-m", "http.server"], null },
        { "node", "/usr/bin/node", ["node", "server.js"], null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Classify_Table(string comm, string? exe, string[] argv, string? expected)
    {
        ProcessInfo process = P(100, comm, exe, argv);
        if (argv.Length > 1 && argv[1] == "server.py" && argv.Length == 3)
        {
            process = process with { WorkingDirectory = "/home/a/text-generation-webui" };
        }
        var snapshot = new ProcessTableSnapshot { ByPid = new Dictionary<int, ProcessInfo> { [100] = process } };

        Assert.Equal(expected, InferenceProcessClassifier.Classify(process, snapshot));
    }

    [Theory]
    [InlineData("ollama", "/usr/local/bin/ollama", "ollama")]
    [InlineData("LM Studio", "/opt/LM Studio/lm-studio", "lmstudio")]
    [InlineData("bash", "/usr/bin/bash", "llama.cpp")]
    public void Classify_LlamaServerChild_BelongsToBundlingParent(string parentComm, string parentExe, string expected)
    {
        ProcessInfo grandparent = P(10, parentComm, parentExe, parentExe);
        ProcessInfo parent = P(20, "sh", "/bin/sh", "sh", "-c", "llama-server") with { ParentPid = 10 };
        ProcessInfo child = P(30, "llama-server", "/tmp/x/llama-server", "llama-server", "--port", "0") with { ParentPid = 20 };
        var snapshot = new ProcessTableSnapshot { ByPid = new Dictionary<int, ProcessInfo> { [10] = grandparent, [20] = parent, [30] = child } };

        Assert.Equal(expected, InferenceProcessClassifier.Classify(child, snapshot));
    }

    [Fact]
    public void Classify_ParentLoop_Terminates()
    {
        ProcessInfo a = P(1000, "llama-server", null, "llama-server") with { ParentPid = 1001 };
        ProcessInfo b = P(1001, "sh", null, "sh") with { ParentPid = 1000 };
        var snapshot = new ProcessTableSnapshot { ByPid = new Dictionary<int, ProcessInfo> { [1000] = a, [1001] = b } };

        Assert.Equal("llama.cpp", InferenceProcessClassifier.Classify(a, snapshot));
    }

    [Fact]
    public void ExtractModelPaths_AllForms()
    {
        Assert.Equal(["/m/a.gguf", "org/repo:Q4_K_M"], InferenceProcessClassifier.ExtractModelPaths(["llama-server", "-m", "/m/a.gguf", "-hf", "org/repo:Q4_K_M", "--port", "8080"]));
        Assert.Equal(["/m/b.gguf"], InferenceProcessClassifier.ExtractModelPaths(["koboldcpp", "--model=/m/b.gguf"]));
        Assert.Equal(["/mlx"], InferenceProcessClassifier.ExtractModelPaths(["x", "--model-path", "/mlx"]));
        Assert.Equal(["Qwen/Qwen2.5-0.5B"], InferenceProcessClassifier.ExtractModelPaths(["/venv/bin/python3", "/venv/bin/vllm", "serve", "Qwen/Qwen2.5-0.5B", "--port", "8000"]));
        Assert.Empty(InferenceProcessClassifier.ExtractModelPaths(["llama-server", "-m"]));
    }

    [Fact]
    public void ToInferenceProcess_RedactsSecretsAndCarriesModels()
    {
        ProcessInfo p = P(7, "llama-server", "/usr/bin/llama-server", "llama-server", "-m", "/m/a.gguf", "--api-key", "sk-live-123", "--password=hunter2") with { User = "alice" };

        Lantern.Core.Model.InferenceProcess ip = InferenceProcessClassifier.ToInferenceProcess(p, "llama.cpp", []);

        Assert.Equal("llama.cpp", ip.Runtime);
        Assert.Equal("alice", ip.User);
        Assert.Equal(["/m/a.gguf"], ip.ModelPaths);
        Assert.DoesNotContain("sk-live-123", ip.CommandLine, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ip.CommandLine, StringComparison.Ordinal);
        Assert.Contains("--api-key <redacted>", ip.CommandLine, StringComparison.Ordinal);
    }
}
