using Lantern.Testing;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Tests;

public class SpecialFileTests
{
    [Fact]
    public async Task VetFile_Fifo_ReturnsWithoutBlocking()
    {
        using var dir = new TempDirectory();
        string fifo = Path.Combine(dir.Path, "model.pkl");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        Task<VetResult> vet = Task.Run(() => new ModelVetter().VetFile(fifo));
        Task finished = await Task.WhenAny(vet, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.True(finished == vet, "vetting blocked on a FIFO");
        Assert.Equal(Verdict.NotAModel, (await vet).Verdict);
    }
}
