namespace NgxDoctor.Host;

/// <summary>No nginx to diagnose (no running master, no binary, no configuration file), or several where one is needed.</summary>
public sealed class NoNginxException(string message) : Exception(message);
