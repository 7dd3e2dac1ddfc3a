using System.Diagnostics;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Blob storage answers 404 (not found), 409 (already exists, lease held) and 412 (condition not met) to questions the
/// services ask on purpose: <c>CreateIfNotExists</c>, existence checks, the trainer's ETag-conditioned lease writes.
/// HttpClient's instrumentation marks every 4xx client span as an error, so a healthy run's trace would be full of red
/// spans. For those three answers from Azure Storage only, the span's status is left unset; the code that asked still
/// sees the answer and fails when it did not expect it.
/// </summary>
internal static class ExpectedStorageAnswers
{
    /// <summary>Sent by the Azure Storage SDK on every request; nothing else here sends it.</summary>
    private const string StorageVersionHeader = "x-ms-version";

    public static void ClearErrorStatus(Activity activity, HttpResponseMessage response)
    {
        if ((int)response.StatusCode is 404 or 409 or 412
            && response.RequestMessage?.Headers.Contains(StorageVersionHeader) == true
            && activity.Status == ActivityStatusCode.Error)
        {
            activity.SetStatus(ActivityStatusCode.Unset);
            activity.SetTag("error.type", null);
        }
    }
}
