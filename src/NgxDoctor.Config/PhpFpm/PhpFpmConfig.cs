namespace NgxDoctor.Config.PhpFpm;

/// <summary>A setting of a PHP-FPM pool or of [global], with where it was written.</summary>
public sealed record FpmSetting(string Value, SourcePos Pos);

/// <summary>A PHP-FPM pool: its name and settings (listen, pm.*, request_terminate_timeout, listen.owner ...).</summary>
public sealed record FpmPool(string Name, IReadOnlyDictionary<string, FpmSetting> Settings, SourcePos Pos)
{
    public string? Get(string key) => Settings.TryGetValue(key, out var s) ? s.Value : null;

    /// <summary>The address as nginx would name it: "unix:/run/php/php8.2-fpm.sock", "127.0.0.1:9000", "*:9000".</summary>
    public string? ListenAddress
    {
        get
        {
            var listen = Get("listen");
            if (listen is null)
            {
                return null;
            }

            if (listen.StartsWith('/'))
            {
                return "unix:" + listen;
            }

            return listen.All(char.IsAsciiDigit) ? "*:" + listen : listen;
        }
    }
}

/// <summary>A PHP-FPM configuration: [global] settings and pools, from the main file and its includes.</summary>
public sealed record PhpFpmConfig(string MainFile, IReadOnlyDictionary<string, FpmSetting> Global, IReadOnlyList<FpmPool> Pools, IReadOnlyList<string> Files);
