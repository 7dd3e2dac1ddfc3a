using System.Text;
using Platform.Imaging.Formats.Data.Cifar;

namespace Platform.Imaging.Tests.Data;

public sealed class SafePickleReaderTests
{
    // pickle.dumps({'a': [1, -1, 300, 70000, 2**40, True, None, 1.5, 'tëxt', (1, 2), (), (1, 2, 3, 4)], 'n': {'k': []}}, protocol=2) by CPython 3.
    private const string PlainValuesProtocol2 =
        "gAJ9cQAoWAEAAABhcQFdcQIoSwFK/////00sAUpwEQEAigYAAAAAAAGITkc/+AAAAAAAAFgFAAAAdMOreHRxA0sBSwKGcQQpKEsBSwJLA0sEdHEFZVgBAAAAbnEGfXEHWAEAAABrcQhdcQlzdS4=";

    // The same with b'\x00\xff' after 'tëxt', protocol=4 (frames, MEMOIZE, SHORT_BINBYTES).
    private const string PlainValuesProtocol4 =
        "gASVWwAAAAAAAAB9lCiMAWGUXZQoSwFK/////00sAUpwEQEAigYAAAAAAAGITkc/+AAAAAAAAIwFdMOreHSUQwIA/5RLAUsChpQpKEsBSwJLA0sEdJRljAFulH2UjAFrlF2Uc3Uu";

    // An object whose __reduce__ is (os.system, ('echo owned',)), protocol=4: STACK_GLOBAL posix.system, then REDUCE.
    private const string SystemCallProtocol4 = "gASVJQAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAplY2hvIG93bmVklIWUUpQu";

    // collections.OrderedDict(a=1), protocol=2: GLOBAL collections.OrderedDict, REDUCE, SETITEM.
    private const string OrderedDictProtocol2 = "gAJjY29sbGVjdGlvbnMKT3JkZXJlZERpY3QKcQApUnEBWAEAAABhcQJLAXMu";

    // {'data': (numpy.arange(24, dtype=numpy.uint8) * 7).reshape(2, 12), 'labels': [3, 7]} pickled by numpy 1.24 on CPython 3.11
    // at protocols 2 (bytes through _codecs.encode), 3 (BINBYTES) and 4 (STACK_GLOBAL, frames): CIFAR's batch layout in small.
    [Theory]
    [InlineData("gAJ9cQAoWAQAAABkYXRhcQFjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAmNudW1weQpuZGFycmF5CnEDSwCFcQRjX2NvZGVjcwplbmNvZGUKcQVYAQAAAGJxBlgGAAAAbGF0aW4xcQeGcQhScQmHcQpScQsoSwFLAksMhnEMY251bXB5CmR0eXBlCnENWAIAAAB1MXEOiYiHcQ9ScRAoSwNYAQAAAHxxEU5OTkr/////Sv////9LAHRxEmKJaAVYHQAAAAAHDhUcIyoxOD9GTVRbYmlwd37ChcKMwpPCmsKhcRNoB4ZxFFJxFXRxFmJYBgAAAGxhYmVsc3EXXXEYKEsDSwdldS4=")]
    [InlineData("gAN9cQAoWAQAAABkYXRhcQFjbnVtcHkuY29yZS5tdWx0aWFycmF5Cl9yZWNvbnN0cnVjdApxAmNudW1weQpuZGFycmF5CnEDSwCFcQRDAWJxBYdxBlJxByhLAUsCSwyGcQhjbnVtcHkKZHR5cGUKcQlYAgAAAHUxcQqJiIdxC1JxDChLA1gBAAAAfHENTk5OSv////9K/////0sAdHEOYolDGAAHDhUcIyoxOD9GTVRbYmlwd36FjJOaoXEPdHEQYlgGAAAAbGFiZWxzcRFdcRIoSwNLB2V1Lg==")]
    [InlineData("gASVvgAAAAAAAAB9lCiMBGRhdGGUjBVudW1weS5jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsCSwyGlGgFjAVkdHlwZZSTlIwCdTGUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9LAHSUYolDGAAHDhUcIyoxOD9GTVRbYmlwd36FjJOaoZR0lGKMBmxhYmVsc5RdlChLA0sHZXUu")]
    public void A_numpy_array_pickled_by_numpy_itself_reads_back_as_its_shape_dtype_and_bytes(string pickle)
    {
        var root = Assert.IsType<Dictionary<object, object?>>(SafePickleReader.Read(Convert.FromBase64String(pickle)));

        var array = Assert.IsType<PickleArray>(root["data"]);
        Assert.Equal([2L, 12L], array.Shape);
        Assert.Equal("u1", array.DType);
        Assert.False(array.IsFortranOrder);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (byte)(i * 7)), array.Data);
        Assert.Equal([3L, 7L], Assert.IsType<List<object?>>(root["labels"]));
    }

    [Theory]
    [InlineData(PlainValuesProtocol2, false)]
    [InlineData(PlainValuesProtocol4, true)]
    public void Plain_values_written_by_cpython_read_back_as_they_were(string pickle, bool withBytes)
    {
        var root = Assert.IsType<Dictionary<object, object?>>(SafePickleReader.Read(Convert.FromBase64String(pickle)));

        var list = Assert.IsType<List<object?>>(root["a"]);
        Assert.Equal([1L, -1L, 300L, 70000L, 1L << 40, true, null, 1.5, "tëxt"], list.Take(9));
        if (withBytes)
        {
            Assert.Equal(new byte[] { 0, 255 }, list[9]);
            list.RemoveAt(9);
        }
        Assert.Equal(new object?[] { 1L, 2L }, list[9]);
        Assert.Empty(Assert.IsType<object?[]>(list[10]));
        Assert.Equal(new object?[] { 1L, 2L, 3L, 4L }, list[11]);
        Assert.Empty(Assert.IsType<List<object?>>(Assert.IsType<Dictionary<object, object?>>(root["n"])["k"]));
    }

    [Theory]
    [InlineData(SystemCallProtocol4, "posix.system")]
    [InlineData(OrderedDictProtocol2, "collections.OrderedDict")]
    public void A_global_other_than_numpys_array_constructors_is_refused_before_anything_is_called(string pickle, string global)
    {
        var refusal = Assert.Throws<PickleRejectedException>(() => SafePickleReader.Read(Convert.FromBase64String(pickle)));

        Assert.Equal("unsafe-pickle", refusal.Reason);
        Assert.Contains(global, refusal.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, (byte)'(', (byte)'c' }, "GLOBAL without a name")]
    [InlineData(new byte[] { 0x80, 2, (byte)'}', (byte)'}', (byte)'b', (byte)'.' }, "BUILD on a dict")]
    [InlineData(new byte[] { 0x80, 2, (byte)']', (byte)')', (byte)'R', (byte)'.' }, "REDUCE of a list")]
    [InlineData(new byte[] { 0x80, 2, (byte)'(', (byte)'o', (byte)'.' }, "OBJ")]
    [InlineData(new byte[] { 0x80, 2, (byte)']', (byte)')', 0x81, (byte)'.' }, "NEWOBJ")]
    [InlineData(new byte[] { 0x80, 2, 0x82, 1, (byte)'.' }, "EXT1")]
    [InlineData(new byte[] { 0x80, 2, (byte)'K', 1, (byte)'Q', (byte)'.' }, "BINPERSID")]
    public void Opcodes_that_build_objects_or_call_code_are_refused_as_unsafe(byte[] pickle, string what)
    {
        var refusal = Assert.Throws<PickleRejectedException>(() => SafePickleReader.Read(pickle));

        Assert.True(refusal.Reason is "unsafe-pickle" or "corrupt-pickle", what);
        if (what != "GLOBAL without a name")
        {
            Assert.Equal("unsafe-pickle", refusal.Reason);
        }
    }

    [Fact]
    public void Nesting_past_the_limit_is_refused_whether_built_with_marks_or_with_appends()
    {
        var marks = new byte[] { 0x80, 2 }.Concat(Enumerable.Repeat((byte)'(', 40)).ToArray();
        var appends = new byte[] { 0x80, 2 }.Concat(Enumerable.Repeat((byte)']', 40)).Concat(Enumerable.Repeat((byte)'a', 39)).Append((byte)'.').ToArray();
        var shallow = new byte[] { 0x80, 2 }.Concat(Enumerable.Repeat((byte)']', 10)).Concat(Enumerable.Repeat((byte)'a', 9)).Append((byte)'.').ToArray();

        Assert.Equal("pickle-too-deep", Assert.Throws<PickleRejectedException>(() => SafePickleReader.Read(marks)).Reason);
        Assert.Equal("pickle-too-deep", Assert.Throws<PickleRejectedException>(() => SafePickleReader.Read(appends)).Reason);
        Assert.IsType<List<object?>>(SafePickleReader.Read(shallow));
    }

    [Fact]
    public void A_truncated_pickle_or_one_whose_array_is_short_of_its_shape_is_corrupt()
    {
        var array = NumpyArrayPickle(shape: (2, 3), data: [1, 2, 3, 4, 5, 6]);
        var short_ = NumpyArrayPickle(shape: (2, 3), data: [1, 2, 3, 4, 5]);

        var read = Assert.IsType<PickleArray>(SafePickleReader.Read(array));
        Assert.Equal([2L, 3L], read.Shape);
        Assert.Equal("u1", read.DType);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, read.Data);
        Assert.Equal("corrupt-pickle", Assert.Throws<PickleRejectedException>(() => SafePickleReader.Read(array[..^10])).Reason);
        Assert.Equal("corrupt-pickle", Assert.Throws<PickleRejectedException>(() => SafePickleReader.Read(short_)).Reason);
    }

    /// <summary>numpy.arange(...).astype('u1') as numpy pickles it with protocol 2 under Python 2.</summary>
    private static byte[] NumpyArrayPickle((int Rows, int Columns) shape, byte[] data)
    {
        var text = new StringBuilder();
        text.Append("\u0080\u0002cnumpy.core.multiarray\n_reconstruct\nq\u0001cnumpy\nndarray\nq\u0002K\u0000\u0085U\u0001b\u0087Rq\u0003(K\u0001");
        text.Append($"K{(char)shape.Rows}K{(char)shape.Columns}\u0086cnumpy\ndtype\nq\u0004U\u0002u1K\u0000K\u0001\u0087Rq\u0005(K\u0003U\u0001|NNNJ\u00ff\u00ff\u00ff\u00ffJ\u00ff\u00ff\u00ff\u00ffK\u0000tb\u0089");
        text.Append($"U{(char)data.Length}{Encoding.Latin1.GetString(data)}tb.");
        return Encoding.Latin1.GetBytes(text.ToString());
    }
}
