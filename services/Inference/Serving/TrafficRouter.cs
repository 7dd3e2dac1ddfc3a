using System.Text;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>
/// Picks the version of a split alias that answers a request. With a request id the choice is a pure function of the id and the
/// weights, the same on every replica and every retry (the id's hash picks a point on the cumulative weights); without one it is a
/// uniformly random point, so the shares hold over many requests.
/// </summary>
public static class TrafficRouter
{
    public static int Choose(IReadOnlyList<TrafficShare> shares, string? requestId)
    {
        if (shares.Count == 1)
        {
            return shares[0].Version;
        }
        var total = shares.Sum(s => s.Weight);
        var point = string.IsNullOrEmpty(requestId) ? Random.Shared.Next(total) : (int)(StableHash(requestId) % (ulong)total);
        foreach (var share in shares)
        {
            if (point < share.Weight)
            {
                return share.Version;
            }
            point -= share.Weight;
        }
        return shares[^1].Version;
    }

    /// <summary>
    /// FNV-1a over the id's UTF-8 bytes, then MurmurHash3's 64-bit finaliser so that ids differing in one character spread over all
    /// buckets. Not <see cref="string.GetHashCode()"/>: that is randomised per process, and every replica must agree.
    /// </summary>
    public static ulong StableHash(string requestId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(requestId))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        return hash ^ (hash >> 33);
    }
}
