using TorchSharp;

namespace Platform.Training.Tests;

public sealed class NativeLibraryLoadTests
{
    [Fact]
    public void TorchSharpNativeLibraryLoadsAndComputes()
    {
        using var sum = torch.ones(2, 3).sum();

        Assert.Equal(6f, sum.item<float>());
    }
}
