using System.Text;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>A logger provider that keeps every line an in-process service logs, as a process's output would be kept.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly StringBuilder text = new();

    public string Text
    {
        get
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName);

    public void Dispose()
    {
    }

    private void Append(string line)
    {
        lock (text)
        {
            text.AppendLine(line);
        }
    }

    private sealed class Writer(CapturedLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Append($"{logLevel}: {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
        }
    }
}
