using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// A loopback TCP relay in front of a server, for outages that lose nothing: <see cref="Cut"/> drops every open
/// connection and refuses new ones, <see cref="Restore"/> listens again on the same port. Killing the server instead
/// would also lose what it had acknowledged but not yet persisted (Azurite saves its metadata every few seconds),
/// which real storage never does.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly int targetPort;
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private CancellationTokenSource? accepting;

    private TcpFaultProxy(int port, int targetPort)
    {
        Port = port;
        this.targetPort = targetPort;
    }

    public int Port { get; }

    public static TcpFaultProxy Start(int targetPort)
    {
        var proxy = new TcpFaultProxy(FreePort.Next(), targetPort);
        proxy.Restore();
        return proxy;
    }

    public void Restore()
    {
        lock (open)
        {
            if (listener is not null)
            {
                return;
            }
            listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            accepting = new CancellationTokenSource();
            _ = AcceptAsync(listener, accepting.Token);
        }
    }

    public void Cut()
    {
        lock (open)
        {
            accepting?.Cancel();
            listener?.Stop();
            listener = null;
            foreach (var client in open)
            {
                // RST rather than FIN: the client sees the connection fail, as when a network path goes away.
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
            }
            open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener server, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await server.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var target = new TcpClient();
        lock (open)
        {
            open.Add(client);
            open.Add(target);
        }
        try
        {
            await target.ConnectAsync(IPAddress.Loopback, targetPort, cancellationToken);
            using var relay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var upstream = client.GetStream().CopyToAsync(target.GetStream(), relay.Token);
            var downstream = target.GetStream().CopyToAsync(client.GetStream(), relay.Token);
            await Task.WhenAny(upstream, downstream);
            await relay.CancelAsync();
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (open)
            {
                open.Remove(client);
                open.Remove(target);
            }
            client.Dispose();
            target.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
