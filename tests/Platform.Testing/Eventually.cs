namespace Platform.Testing;

/// <summary>
/// Waiting on a condition with a timeout, the one way tests synchronise with processes they do not control. On timeout
/// the exception says what was awaited and what was seen instead.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Polls <paramref name="probe"/> until it gives a value; a probe may also throw to fail at once (a run that failed).</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> whatWasSeen, TimeSpan? interval = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeout}: {Tail(whatWasSeen())}");
            }
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    public static Task<T> ValueAsync<T>(Func<T?> probe, TimeSpan timeout, Func<string> whatWasSeen, TimeSpan? interval = null) where T : class =>
        ValueAsync(() => Task.FromResult(probe()), timeout, whatWasSeen, interval);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> whatWasSeen, TimeSpan? interval = null) =>
        ValueAsync(async () => await condition() ? Done : null, timeout, whatWasSeen, interval);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> whatWasSeen, TimeSpan? interval = null) =>
        ValueAsync(() => Task.FromResult(condition() ? Done : null), timeout, whatWasSeen, interval);

    private static readonly object Done = new();

    // Process output can be megabytes; the end says what went wrong.
    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}
