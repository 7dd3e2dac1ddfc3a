using System.Runtime.ExceptionServices;

namespace Platform.Training.Precision;

/// <summary>
/// One long-lived thread per replica beyond the first (the caller runs replica 0), so replicas run forward and
/// backward at the same time as DataParallel's threads do. Long-lived rather than pooled: libtorch keeps per-thread
/// state (OpenMP teams, the CUDA current device), and a pool thread busy elsewhere would serialise the replicas.
/// </summary>
internal sealed class ReplicaThreads : IDisposable
{
    private readonly Thread[] threads;
    private readonly SemaphoreSlim[] start;
    private readonly CountdownEvent done;
    private readonly Exception?[] failures;
    private Action<int>? work;
    private volatile bool stopping;

    public ReplicaThreads(int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(replicas);
        Replicas = replicas;
        failures = new Exception?[replicas];
        threads = new Thread[replicas - 1];
        start = new SemaphoreSlim[replicas - 1];
        done = new CountdownEvent(1);
        for (int i = 0; i < threads.Length; i++)
        {
            int replica = i + 1;
            start[i] = new SemaphoreSlim(0);
            threads[i] = new Thread(() => Loop(replica)) { IsBackground = true, Name = $"Replica {replica}" };
            threads[i].Start();
        }
    }

    public int Replicas { get; }

    /// <summary>Runs <paramref name="action"/>(i) for every replica i at once and waits for all; rethrows the first failure.</summary>
    public void Run(Action<int> action)
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        if (Replicas == 1)
        {
            action(0);
            return;
        }

        work = action;
        Array.Clear(failures);
        done.Reset(threads.Length);
        foreach (var signal in start)
        {
            signal.Release();
        }

        try
        {
            action(0);
        }
        catch (Exception exception)
        {
            failures[0] = exception;
        }

        done.Wait();
        work = null;
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private void Loop(int replica)
    {
        var signal = start[replica - 1];
        while (true)
        {
            signal.Wait();
            if (stopping)
            {
                return;
            }

            try
            {
                work!(replica);
            }
            catch (Exception exception)
            {
                failures[replica] = exception;
            }
            finally
            {
                done.Signal();
            }
        }
    }

    public void Dispose()
    {
        if (stopping)
        {
            return;
        }

        stopping = true;
        foreach (var signal in start)
        {
            signal.Release();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        foreach (var signal in start)
        {
            signal.Dispose();
        }

        done.Dispose();
    }
}
