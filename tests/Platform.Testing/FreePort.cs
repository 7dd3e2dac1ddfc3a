using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null) =>
        Eventually.UntilAsync(() => IsListeningAsync(port), timeout, () => $"nothing listened on 127.0.0.1:{port}. {diagnostics?.Invoke()}",
            TimeSpan.FromMilliseconds(100));
}
