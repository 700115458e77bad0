using NgxDoctor.Host.Watch;

namespace NgxDoctor.Host.Tests;

/// <summary>A flapping box does not fill its disk with incident bundles.</summary>
public sealed class IncidentStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ngxdoctor-incidents-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Beyond_the_count_the_oldest_go_and_so_does_anything_older_than_a_week()
    {
        var start = DateTime.UtcNow.AddHours(-1);
        for (var i = 0; i < IncidentStore.MaxBundles + 5; i++)
        {
            var f = Path.Combine(_dir, $"b{i:D3}.tar.gz");
            File.WriteAllBytes(f, [1, 2, 3]);
            File.SetLastWriteTimeUtc(f, start.AddSeconds(i));
        }

        var stale = Path.Combine(_dir, "stale.tar.gz");
        File.WriteAllBytes(stale, [1]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - IncidentStore.MaxAge - TimeSpan.FromHours(1));
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "not a bundle");

        new IncidentStore(_dir).Prune();

        var left = Directory.GetFiles(_dir, "*.tar.gz").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(IncidentStore.MaxBundles, left.Count);
        Assert.Equal("b005.tar.gz", left[0]);
        Assert.True(File.Exists(Path.Combine(_dir, "notes.txt")));
    }
}
