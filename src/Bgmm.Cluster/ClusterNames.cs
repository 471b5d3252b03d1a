using System.Net;
using System.Net.Sockets;

namespace Bgmm.Cluster;

/// <summary>The names shared by workers and clients, and the parsing of HOST:PORT endpoints.</summary>
public static class ClusterNames
{
    /// <summary>Orleans' cluster and service id: every bgmm worker and client uses this one.</summary>
    public const string ClusterId = "bgmm";

    /// <summary>The default silo-to-silo port of a worker.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>The default port clients connect to.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>Parses "HOST:PORT" (a name or an IPv4/IPv6 address; "[::1]:30000" for IPv6), resolving the name.</summary>
    /// <param name="text">The endpoint.</param>
    /// <param name="option">The option it came from, for the message.</param>
    /// <exception cref="ArgumentException">Not HOST:PORT, a port outside 1–65535, or a name that does not resolve (the message says which and what to give).</exception>
    public static IPEndPoint ParseEndpoint(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > 65535 || host.Length == 0)
            throw new ArgumentException($"{option} {text}: give HOST:PORT, e.g. localhost:{DefaultGatewayPort} (a port between 1 and 65535).");
        if (IPAddress.TryParse(host, out IPAddress? address)) return new IPEndPoint(address, port);
        IPAddress[] found;
        try
        {
            found = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new ArgumentException($"{option} {text}: the host name {host} does not resolve ({e.Message.TrimEnd('.')}); give a host name or an IP address this machine can reach.", e);
        }
        IPAddress? chosen = found.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? found.FirstOrDefault();
        return chosen is null
            ? throw new ArgumentException($"{option} {text}: the host name {host} has no address; give a host name or an IP address this machine can reach.")
            : new IPEndPoint(chosen, port);
    }
}
