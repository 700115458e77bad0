namespace NgxDoctor.TestSupport;

/// <summary>A bundle (tar.gz) as one text: to look for what must never be in it.</summary>
public static class BundleText
{
    public static string Of(string bundle)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(bundle), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }
}
