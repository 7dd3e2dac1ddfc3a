using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;

/// <summary>
/// Why a shadow's managed work must not run at idle priority (docs/inference.md, *Shadow versions*): two busy loops outside .NET take
/// both cores at normal priority, as ONNX Runtime's native threads do during an answering version's batch (the garbage collector does
/// not stop native code), and the probe times <c>GC.Collect(0)</c> every 50 ms for the given time, first alone, then with one more
/// thread of its own at Linux <c>SCHED_IDLE</c> running a managed loop, as the shadow mirror's preprocessing did. A collection first
/// stops every managed thread at a safe point, so with the starved idle thread it waits until the scheduler lets that thread run.
/// </summary>
static class IdleGcProbe
{
    private const int SchedIdle = 5;

    public static void Run(TimeSpan duration)
    {
        var busy = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Process.Start("sh", ["-c", "while :; do :; done"])).ToList();
        try
        {
            Console.WriteLine($"{busy.Count} busy loops at normal priority; {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
            Console.WriteLine(Measure(duration, idleThread: false));
            Console.WriteLine(Measure(duration, idleThread: true));
        }
        finally
        {
            foreach (var process in busy)
            {
                process.Kill();
                process.WaitForExit();
                process.Dispose();
            }
        }
    }

    private static string Measure(TimeSpan duration, bool idleThread)
    {
        var stop = false;
        var started = new ManualResetEventSlim();
        string? priority = null;
        var thread = new Thread(() =>
        {
            var parameters = 0;
            priority = SchedSetScheduler(0, SchedIdle, ref parameters) == 0 ? "SCHED_IDLE" : $"errno {Marshal.GetLastPInvokeError()}";
            started.Set();
            var buffer = new float[3 * 224 * 224];
            var x = 0.0;
            while (!Volatile.Read(ref stop))
            {
                for (var i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = (float)(x += i * 1e-9);
                }
            }
        }) { IsBackground = true };
        if (idleThread)
        {
            thread.Start();
            started.Wait();
        }
        var pausedBefore = GC.GetTotalPauseDuration();
        var pauses = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            GC.KeepAlive(new byte[1_000_000]);
            var collect = Stopwatch.StartNew();
            GC.Collect(0);
            pauses.Add(collect.Elapsed.TotalMilliseconds);
            Thread.Sleep(50);
        }
        Volatile.Write(ref stop, true);
        if (idleThread)
        {
            thread.Join();
        }
        pauses.Sort();
        var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
        return $"{(idleThread ? $"with a managed thread at {priority}" : "without an idle-priority thread")}: {pauses.Count} collections in {duration.TotalSeconds:F0} s, "
            + $"median {pauses[pauses.Count / 2]:F1} ms, p90 {pauses[(int)(pauses.Count * 0.9)]:F1} ms, longest {pauses[^1]:F1} ms, {paused:F0} ms paused in all";
    }

    // pid 0: the calling thread (on Linux the scheduling class belongs to each thread).
    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static extern int SchedSetScheduler(int pid, int policy, ref int parameters);
}
