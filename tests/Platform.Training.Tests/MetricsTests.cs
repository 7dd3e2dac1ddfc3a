using Platform.Training.Engine;

namespace Platform.Training.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void PerClassMetricsFollowFromTheConfusionMatrix()
    {
        // truth → predicted: a→a ×3, a→b ×1, b→b ×2, b→c ×2, c→c ×1, c→a ×1 (10 samples, 6 correct).
        var matrix = new ConfusionMatrix(3);
        matrix.Add([0, 0, 0, 0, 1, 1, 1, 1, 2, 2], [0, 0, 0, 1, 1, 1, 2, 2, 2, 0]);

        var metrics = matrix.PerClass(["a", "b", "c"]);

        // a: TP 3, predicted a 4 (3 + c→a), actual 4 → P = 3/4, R = 3/4, F1 = 3/4.
        // b: TP 2, predicted b 3, actual 4 → P = 2/3, R = 1/2, F1 = 2·(2/3)(1/2)/(2/3 + 1/2) = 4/7.
        // c: TP 1, predicted c 3, actual 2 → P = 1/3, R = 1/2, F1 = 2·(1/3)(1/2)/(5/6) = 2/5.
        Assert.Equal(0.6, matrix.Accuracy, 12);
        Assert.Equal(new ClassMetrics("a", 4, 0.75, 0.75, 0.75), metrics[0]);
        Assert.Equal(2.0 / 3, metrics[1].Precision, 12);
        Assert.Equal(0.5, metrics[1].Recall, 12);
        Assert.Equal(4.0 / 7, metrics[1].F1, 12);
        Assert.Equal(0.4, metrics[2].F1, 12);
        Assert.Equal([[3L, 1, 0], [0L, 2, 2], [1L, 0, 1]], matrix.ToArray());
    }

    [Fact]
    public void ClassNeverPredictedOrPresentHasZeroMetrics()
    {
        var matrix = new ConfusionMatrix(2);
        matrix.Add([0, 0], [0, 0]);

        var absent = matrix.PerClass(["x", "y"])[1];

        Assert.Equal(new ClassMetrics("y", 0, 0, 0, 0), absent);
    }

    [Fact]
    public async Task ChannelObserverStreamsEventsAndEndsAfterTheTerminalOne()
    {
        var observer = new ChannelTrainingObserver();
        observer.OnEvent(new CheckpointSaved("epoch-0001", 1, false));
        observer.OnEvent(new RunCancelled(2, 10));

        var events = new List<TrainingEvent>();
        await foreach (var e in observer.ReadAllAsync())
        {
            events.Add(e);
        }

        Assert.Equal(2, events.Count);
        Assert.IsType<RunCancelled>(events[1]);
    }
}
