using System.Runtime.InteropServices;

namespace Platform.Inference.Serving;

/// <summary>
/// Puts the calling thread at the operating system's lowest scheduling class, so that it only gets a core that no other thread
/// wants: on Linux <c>SCHED_IDLE</c> (the scheduler picks such a thread only when nothing else is runnable, and any woken thread
/// of a normal class preempts it; lowering one's own thread needs no privilege), elsewhere <see cref="ThreadPriority.Lowest"/>.
/// A shadow-only version's ONNX Runtime calls run on such a thread (<see cref="IdleThread"/>, which runs nothing but native calls):
/// they use spare capacity and are pushed aside the moment the answering versions need it.
/// </summary>
public static class IdlePriority
{
    private const int SchedIdle = 5;

    /// <summary>Lowers the calling thread; returns what it got, for the log.</summary>
    public static string LowerCurrentThread()
    {
        if (OperatingSystem.IsLinux())
        {
            var parameters = 0; // struct sched_param { int sched_priority; }: 0 for SCHED_IDLE
            if (SchedSetScheduler(0, SchedIdle, ref parameters) == 0)
            {
                return "SCHED_IDLE";
            }
            var error = Marshal.GetLastPInvokeError();
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
            return $"lowest thread priority (SCHED_IDLE refused: errno {error})";
        }
        Thread.CurrentThread.Priority = ThreadPriority.Lowest;
        return "lowest thread priority";
    }

    // pid 0 is the calling thread: on Linux the scheduling class belongs to each thread.
    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static extern int SchedSetScheduler(int pid, int policy, ref int parameters);
}
