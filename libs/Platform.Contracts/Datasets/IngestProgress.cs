namespace Platform.Contracts.Datasets;

/// <param name="Stage">receiving, queued, reading, writing shards, publishing, done.</param>
/// <param name="Written">Images written to shards so far (oversampled copies included).</param>
/// <param name="ToWrite">Images the shards will hold, known once reading is done (0 before).</param>
public sealed record IngestProgress(string Stage, int FilesRead, int Accepted, int Rejected, int Written = 0, int ToWrite = 0)
{
    public static readonly IngestProgress None = new("receiving", 0, 0, 0);
}
