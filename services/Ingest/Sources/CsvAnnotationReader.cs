using System.Text;

namespace Platform.Ingest.Sources;

/// <summary>
/// Reads a <c>path,label</c> CSV file as RFC 4180 writes it: an optional UTF-8 byte-order mark, CRLF or LF line ends, quoted fields
/// holding commas, line breaks and doubled quotes, and an optional header row (which may name more columns; the path and label
/// columns are then found by name). A row that cannot be used (an unterminated quote, text after a closing quote, the wrong
/// number of fields, invalid UTF-8, a NUL) is reported with its line number and the other rows are kept; reading resumes on the
/// line after a row whose quote never closes.
/// </summary>
public static class CsvAnnotationReader
{
    private static readonly string[] PathHeaders = ["path", "file", "filename", "file_name", "image", "image_path", "filepath"];
    private static readonly string[] LabelHeaders = ["label", "class", "category", "class_name", "label_name"];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyList<(string Path, string Label, string Origin)> Read(AnnotationItem file, List<RejectedItem> rejected)
    {
        var data = file.Bytes.AsSpan();
        if (data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            data = data[3..];
        }
        var rows = new List<(string Path, string Label, string Origin)>();
        int pathColumn = 0, labelColumn = 1, expectedFields = 2;
        var headerSeen = false;
        var position = 0;
        var line = 1;
        while (position < data.Length)
        {
            var startLine = line;
            var record = ReadRecord(data, ref position, ref line, out var problem);
            if (problem is not null)
            {
                rejected.Add(new RejectedItem($"{file.Key}:{startLine}", "bad-annotation-row", problem));
                continue;
            }
            if (record.Count == 1 && record[0].Length == 0)
            {
                continue; // an empty line
            }
            var fields = new List<string>(record.Count);
            foreach (var raw in record)
            {
                try
                {
                    fields.Add(StrictUtf8.GetString(raw));
                }
                catch (DecoderFallbackException)
                {
                    problem = "the row is not valid UTF-8 (save the file as UTF-8)";
                    break;
                }
            }
            if (problem is null && fields.Any(field => field.Contains('\0')))
            {
                problem = "the row holds a NUL character";
            }
            if (problem is not null)
            {
                rejected.Add(new RejectedItem($"{file.Key}:{startLine}", "bad-annotation-row", problem));
                continue;
            }
            if (!headerSeen)
            {
                headerSeen = true;
                var names = fields.Select(field => field.Trim().ToLowerInvariant()).ToList();
                var headerPath = names.FindIndex(PathHeaders.Contains);
                if (headerPath >= 0)
                {
                    var headerLabel = names.FindIndex(LabelHeaders.Contains);
                    if (headerLabel < 0)
                    {
                        rejected.Add(new RejectedItem($"{file.Key}:{startLine}", "unreadable-annotation",
                            $"the header names a path column but no label column ({string.Join(", ", LabelHeaders)})"));
                        return rows;
                    }
                    (pathColumn, labelColumn, expectedFields) = (headerPath, headerLabel, fields.Count);
                    continue;
                }
            }
            if (fields.Count != expectedFields)
            {
                rejected.Add(new RejectedItem($"{file.Key}:{startLine}", "bad-annotation-row",
                    $"the row has {fields.Count} field(s) where {expectedFields} are expected ({(expectedFields == 2 ? "path,label" : "as the header")}); "
                    + "quote a field that holds a comma"));
                continue;
            }
            rows.Add((fields[pathColumn].Trim(), fields[labelColumn], $":{startLine}"));
        }
        return rows;
    }

    /// <summary>Reads one record's raw fields and moves past its line end; on an unusable record, says why and skips its first line.</summary>
    private static List<byte[]> ReadRecord(ReadOnlySpan<byte> data, ref int position, ref int line, out string? problem)
    {
        problem = null;
        var fields = new List<byte[]>();
        var field = new List<byte>();
        var start = position;
        var startLine = line;
        var i = position;
        while (true)
        {
            if (i < data.Length && data[i] == '"' && field.Count == 0)
            {
                // A quoted field: up to the closing quote; "" is one quote; commas and line breaks are text.
                i++;
                while (true)
                {
                    if (i >= data.Length)
                    {
                        problem = "a quote opened on this line is never closed";
                        position = NextLineStart(data, start);
                        line = startLine + 1;
                        return fields;
                    }
                    if (data[i] == '"')
                    {
                        if (i + 1 < data.Length && data[i + 1] == '"')
                        {
                            field.Add((byte)'"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (data[i] == '\n')
                    {
                        line++;
                    }
                    field.Add(data[i++]);
                }
                if (i < data.Length && data[i] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                {
                    problem = "text follows a closing quote (a quote inside a quoted field is written twice: \"\")";
                    position = NextLineStart(data, i);
                    line++;
                    return fields;
                }
            }
            if (i >= data.Length)
            {
                fields.Add([.. field]);
                position = i;
                return fields;
            }
            var c = data[i];
            if (c == ',')
            {
                fields.Add([.. field]);
                field.Clear();
                i++;
                // A comma at the very end of the data still ends a (then empty) field.
                if (i >= data.Length)
                {
                    fields.Add([]);
                    position = i;
                    return fields;
                }
                continue;
            }
            if (c is (byte)'\r' or (byte)'\n')
            {
                fields.Add([.. field]);
                i += c == '\r' && i + 1 < data.Length && data[i + 1] == '\n' ? 2 : 1;
                position = i;
                line++;
                return fields;
            }
            field.Add(c);
            i++;
        }
    }

    private static int NextLineStart(ReadOnlySpan<byte> data, int from)
    {
        var next = data[from..].IndexOfAny((byte)'\r', (byte)'\n');
        if (next < 0)
        {
            return data.Length;
        }
        var at = from + next;
        return at + (data[at] == '\r' && at + 1 < data.Length && data[at + 1] == '\n' ? 2 : 1);
    }
}
