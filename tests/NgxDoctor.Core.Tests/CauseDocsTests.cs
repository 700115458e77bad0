using NgxDoctor.Core.Diagnosis;

namespace NgxDoctor.Core.Tests;

public class CauseDocsTests
{
    [Fact]
    public void Every_cause_code_has_a_docs_page()
    {
        var docs = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/causes"));
        Assert.True(Directory.Exists(docs), docs);
        Assert.All(Cause.All, code => Assert.True(File.Exists(Path.Combine(docs, code + ".md")), $"docs/causes/{code}.md is missing"));
    }
}
