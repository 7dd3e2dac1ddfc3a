using System.IO.Compression;
using System.Net.Http.Headers;
using Platform.Cli.Http;
using Platform.Imaging.Formats.Data;

namespace Platform.Cli.Commands;

/// <summary>
/// What <c>datasets upload</c> sends: an archive as the body, a folder packed into a temporary zip first, or an IDX
/// images + labels pair as multipart parts (recognised by their magic numbers, whatever their order on the command line).
/// </summary>
public sealed class UploadSource : IDisposable
{
    private readonly string[] files;
    private readonly string? temporaryFile;
    private readonly bool idx;

    private UploadSource(string[] files, string description, string? temporaryFile, bool idx)
    {
        this.files = files;
        Description = description;
        this.temporaryFile = temporaryFile;
        this.idx = idx;
        TotalBytes = files.Sum(f => new FileInfo(f).Length);
    }

    public string Description { get; }

    public long TotalBytes { get; }

    public static UploadSource Prepare(IReadOnlyList<string> paths, CliContext context)
    {
        foreach (var path in paths)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new CliException(ExitCodes.InvalidInput, $"'{path}' does not exist.");
            }
        }
        if (paths.Count == 2)
        {
            var kinds = paths.Select(IdxDataset.KindOf).ToArray();
            var images = Array.IndexOf(kinds, IdxFileKind.Images);
            var labels = Array.IndexOf(kinds, IdxFileKind.Labels);
            if (images < 0 || labels < 0)
            {
                throw new CliException(ExitCodes.InvalidInput,
                    "Two files are read as an IDX pair, and these are not one images file (magic 0x803) and one labels file (magic 0x801): "
                    + string.Join(", ", paths.Select((p, i) => $"{p} ({Describe(kinds[i])})")) + ".");
            }
            return new UploadSource([paths[images], paths[labels]], $"IDX {Path.GetFileName(paths[images])} + {Path.GetFileName(paths[labels])}", null, idx: true);
        }
        var single = paths[0];
        if (Directory.Exists(single))
        {
            var folder = Path.GetFullPath(single).TrimEnd(Path.DirectorySeparatorChar);
            var zip = Path.Combine(Path.GetTempPath(), $"platform-upload-{Guid.NewGuid():N}.zip");
            context.Note($"packing {folder} into a zip");
            try
            {
                ZipFile.CreateFromDirectory(folder, zip, CompressionLevel.NoCompression, includeBaseDirectory: false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                File.Delete(zip);
                throw new CliException(ExitCodes.InvalidInput, $"Could not pack '{single}': {exception.Message}");
            }
            return new UploadSource([zip], $"folder {Path.GetFileName(folder)}", zip, idx: false);
        }
        if (IdxDataset.KindOf(single) is not IdxFileKind.None)
        {
            throw new CliException(ExitCodes.InvalidInput, $"'{single}' is an IDX file; give the images and the labels file together.");
        }
        return new UploadSource([single], Path.GetFileName(single), null, idx: false);
    }

    public HttpRequestMessage CreateRequest(Uri address, Action<long> sent)
    {
        HttpContent content;
        if (idx)
        {
            long imagesSent = 0;
            var images = new ProgressContent(files[0], bytes => sent(imagesSent = bytes));
            var labels = new ProgressContent(files[1], bytes => sent(imagesSent + bytes));
            var multipart = new MultipartFormDataContent();
            multipart.Add(images, "images", Path.GetFileName(files[0]));
            multipart.Add(labels, "labels", Path.GetFileName(files[1]));
            content = multipart;
        }
        else
        {
            content = new ProgressContent(files[0], sent);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }
        return new HttpRequestMessage(HttpMethod.Post, address) { Content = content };
    }

    public void Dispose()
    {
        if (temporaryFile is not null)
        {
            File.Delete(temporaryFile);
        }
    }

    private static string Describe(IdxFileKind kind) => kind switch
    {
        IdxFileKind.Images => "IDX images",
        IdxFileKind.Labels => "IDX labels",
        _ => "not IDX",
    };
}
