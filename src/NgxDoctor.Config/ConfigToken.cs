namespace NgxDoctor.Config;

public enum ConfigTokenKind
{
    Word,
    Semicolon,
    BlockStart,
    BlockEnd,
    EndOfFile,
}

public readonly record struct ConfigToken(ConfigTokenKind Kind, string Value, string Raw, int Line, int Column);
