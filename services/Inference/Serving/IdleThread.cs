using System.Runtime.ExceptionServices;

namespace Platform.Inference.Serving;

/// <summary>
/// A thread at the operating system's idle priority (<see cref="IdlePriority"/>) that runs the native calls handed to it, one at a
/// time, while the caller waits: a shadow-only version's ONNX Runtime calls. It runs nothing else, because a thread at idle
/// priority must not be in managed code while it waits for a core: a garbage collection stops every managed thread at a safe point
/// first, so it would wait for the starved thread, and every request with it, until the answering versions' native work left a core
/// free (on 2 busy cores, GCs stalled up to 1.4 s that way; docs/benchmarks.md). Inside a native call the thread needs no safe point,
/// and it waits for work in a kernel wait (<see cref="ManualResetEvent"/>, which does not spin), so the collector never waits for it
/// beyond the few instructions around each call. Leaving the idle class again needs a privilege the service may lack, hence a thread
/// of its own rather than lowering the caller for the call.
/// </summary>
public sealed class IdleThread : IDisposable
{
    private readonly Lock gate = new();
    private readonly ManualResetEvent posted = new(false);
    private readonly ManualResetEvent completed = new(false);
    private readonly Thread thread;
    private Func<object?>? work;
    private object? result;
    private ExceptionDispatchInfo? failure;
    private volatile bool stopping;

    public IdleThread(string name)
    {
        thread = new Thread(Loop) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Runs <paramref name="call"/> on the idle thread and returns its result (or throws its exception) here.</summary>
    public T Invoke<T>(Func<T> call) where T : class
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            work = call;
            completed.Reset();
            posted.Set();
            completed.WaitOne();
            var (value, error) = (result, failure);
            (work, result, failure) = (null, null, null);
            error?.Throw();
            return (T)value!;
        }
    }

    private void Loop()
    {
        IdlePriority.LowerCurrentThread();
        while (true)
        {
            posted.WaitOne();
            posted.Reset();
            if (stopping)
            {
                return;
            }
            try
            {
                result = work!();
            }
            catch (Exception exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
            completed.Set();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (stopping)
            {
                return;
            }
            stopping = true;
            posted.Set();
        }
        thread.Join();
        posted.Dispose();
        completed.Dispose();
    }
}
