using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Platform.Inference.Serving;

namespace Platform.Inference.Apis;

/// <summary>Reads request bodies within <see cref="InferenceOptions.MaxBodyBytes"/>, refusing oversize ones before reading them.</summary>
public static class RequestBody
{
    private const int PresizeLimit = 1024 * 1024;

    public static void LimitSize(HttpContext context, InferenceOptions options)
    {
        if (context.Request.ContentLength > options.MaxBodyBytes)
        {
            throw TooLarge(options);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = options.MaxBodyBytes;
        }
    }

    /// <summary>The raw body as one image, or each file part of a multipart/form-data body.</summary>
    public static async Task<IReadOnlyList<EncodedImage>> ReadImagesAsync(HttpContext context, InferenceOptions options, CancellationToken cancellationToken)
    {
        LimitSize(context, options);
        try
        {
            if (!context.Request.HasFormContentType)
            {
                return [new EncodedImage(null, await ReadAllAsync(context.Request.Body, context.Request.ContentLength, options, cancellationToken))];
            }
            var boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(context.Request.ContentType!).Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                throw new InferenceRejectedException(StatusCodes.Status400BadRequest, "Bad multipart body", "The multipart content type has no boundary.", "bad_multipart");
            }
            var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = options.MaxBodyBytes };
            var images = new List<EncodedImage>();
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                if (disposition is null || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                if (images.Count == options.MaxImagesPerRequest)
                {
                    throw new InferenceRejectedException(StatusCodes.Status400BadRequest, "Too many images",
                        $"A request may carry at most {options.MaxImagesPerRequest} images (Inference:MaxImagesPerRequest).", "too_many_images");
                }
                var name = disposition.FileName.HasValue ? disposition.FileName.Value : disposition.Name.Value;
                images.Add(new EncodedImage(name, await ReadAllAsync(section.Body, lengthHint: null, options, cancellationToken)));
            }
            return images.Count > 0 ? images
                : throw new InferenceRejectedException(StatusCodes.Status400BadRequest, "No images", "The multipart body has no parts.", "empty");
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(options);
        }
        catch (InvalidDataException exception)
        {
            throw new InferenceRejectedException(StatusCodes.Status400BadRequest, "Bad multipart body", exception.Message, "bad_multipart");
        }
    }

    /// <param name="lengthHint">
    /// The Content-Length when there is one: the buffer is sized for it once, up to <see cref="PresizeLimit"/>, so that a client
    /// cannot make the service reserve memory for bytes it never sends.
    /// </param>
    private static async Task<byte[]> ReadAllAsync(Stream body, long? lengthHint, InferenceOptions options, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)Math.Min(lengthHint ?? 0, Math.Min(PresizeLimit, options.MaxBodyBytes)));
        // Pooled: a fresh 80 KB chunk per request is zeroed for nothing (a Fashion-MNIST PNG is under 1 KB) and makes the GC run more often.
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > options.MaxBodyBytes)
                {
                    throw TooLarge(options);
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        // A body exactly as long as announced fills the buffer: hand it over without a copy.
        return buffer.TryGetBuffer(out var written) && written.Offset == 0 && written.Count == written.Array!.Length ? written.Array : buffer.ToArray();
    }

    private static InferenceRejectedException TooLarge(InferenceOptions options) =>
        new(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body exceeds {options.MaxBodyBytes} bytes (Inference:MaxBodyBytes).", "body_too_large");
}
