using System.Buffers.Binary;
using System.Text;

namespace Platform.Imaging.Formats.Data.Cifar;

/// <summary>
/// Reads the Python pickles that datasets such as CIFAR are published in, as data only. Python's own unpickler
/// runs whatever a pickle names (<c>GLOBAL</c> + <c>REDUCE</c> is a function call, <c>BUILD</c> a method call), so
/// this reader understands only the opcodes of plain values (None, booleans, integers, floats, byte and text
/// strings, lists, tuples, dicts, the memo) and, as the one construct built from names, a numpy array exactly as
/// numpy pickles it: the globals <c>numpy.core.multiarray._reconstruct</c>, <c>numpy.ndarray</c> and
/// <c>numpy.dtype</c> are recognised by name and turned into a <see cref="PickleArray"/> (with
/// <c>_codecs.encode(text, 'latin1')</c>, how Python 3 writes bytes at protocol 2); nothing is imported or
/// called. Any other global, any <c>REDUCE</c> or <c>BUILD</c> not on those, and every object-building opcode
/// (<c>INST</c>, <c>OBJ</c>, <c>NEWOBJ</c>, extension registry, persistent ids) is refused as <c>unsafe-pickle</c>.
/// Values: <c>null</c>, <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, <c>byte[]</c> (Python 2
/// <c>str</c> and Python 3 <c>bytes</c>), <see cref="string"/>, <c>List&lt;object?&gt;</c>, <c>object?[]</c>
/// (tuples), <c>Dictionary&lt;object, object?&gt;</c> (byte-string keys become Latin-1 strings), <see cref="PickleArray"/>.
/// </summary>
public static class SafePickleReader
{
    /// <summary>Deepest nesting of containers accepted; CIFAR's batches are three deep.</summary>
    public const int DefaultMaxDepth = 32;

    private static readonly HashSet<(string Module, string Name)> NumpyGlobals =
    [
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        // Python 3 pickles bytes for Python 2 (protocol 2) as _codecs.encode(text, 'latin1'): a pure conversion, done here.
        ("_codecs", "encode"),
    ];

    private sealed record GlobalName(string Module, string Name);

    public static object? Read(byte[] pickle, int maxDepth = DefaultMaxDepth)
    {
        var reader = new Cursor(pickle);
        var stack = new List<object?>();
        var marks = new Stack<int>();
        var memo = new Dictionary<long, object?>();
        while (true)
        {
            var opcode = reader.Byte();
            switch (opcode)
            {
                case 0x80: // PROTO
                    var protocol = reader.Byte();
                    if (protocol > 5)
                    {
                        throw Corrupt($"pickle protocol {protocol} is not known");
                    }
                    break;
                case 0x95: // FRAME: a length hint in protocol 4+; the opcodes simply follow.
                    reader.Bytes(8);
                    break;
                case (byte)'.': // STOP
                    if (stack.Count != 1 || marks.Count != 0)
                    {
                        throw Corrupt("the pickle stops with an unbalanced stack");
                    }
                    var result = stack[0];
                    CheckDepth(result, 0, maxDepth);
                    return result;
                case (byte)'(': // MARK
                    if (marks.Count >= maxDepth)
                    {
                        throw new PickleRejectedException("pickle-too-deep", $"the pickle nests more than {maxDepth} levels");
                    }
                    marks.Push(stack.Count);
                    break;
                case (byte)'0': // POP
                    Pop(stack);
                    break;
                case (byte)'1': // POP_MARK
                    PopMark(stack, marks);
                    break;
                case (byte)'2': // DUP
                    stack.Add(Peek(stack));
                    break;
                case (byte)'N':
                    stack.Add(null);
                    break;
                case 0x88:
                    stack.Add(true);
                    break;
                case 0x89:
                    stack.Add(false);
                    break;
                case (byte)'J': // BININT
                    stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(reader.Bytes(4)));
                    break;
                case (byte)'K': // BININT1
                    stack.Add((long)reader.Byte());
                    break;
                case (byte)'M': // BININT2
                    stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(reader.Bytes(2)));
                    break;
                case 0x8a: // LONG1
                    stack.Add(Long(reader.Bytes(reader.Byte())));
                    break;
                case (byte)'G': // BINFLOAT
                    stack.Add(BinaryPrimitives.ReadDoubleBigEndian(reader.Bytes(8)));
                    break;
                case (byte)'U': // SHORT_BINSTRING (Python 2 str)
                case (byte)'C': // SHORT_BINBYTES
                    stack.Add(reader.Bytes(reader.Byte()).ToArray());
                    break;
                case (byte)'T': // BINSTRING
                case (byte)'B': // BINBYTES
                    stack.Add(reader.Bytes(Length(BinaryPrimitives.ReadUInt32LittleEndian(reader.Bytes(4)))).ToArray());
                    break;
                case 0x8e: // BINBYTES8
                    stack.Add(reader.Bytes(Length(BinaryPrimitives.ReadUInt64LittleEndian(reader.Bytes(8)))).ToArray());
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    stack.Add(Utf8(reader.Bytes(reader.Byte())));
                    break;
                case (byte)'X': // BINUNICODE
                    stack.Add(Utf8(reader.Bytes(Length(BinaryPrimitives.ReadUInt32LittleEndian(reader.Bytes(4))))));
                    break;
                case 0x8d: // BINUNICODE8
                    stack.Add(Utf8(reader.Bytes(Length(BinaryPrimitives.ReadUInt64LittleEndian(reader.Bytes(8))))));
                    break;
                case (byte)']': // EMPTY_LIST
                    stack.Add(new List<object?>());
                    break;
                case (byte)'l': // LIST
                    stack.Add(PopMark(stack, marks));
                    break;
                case (byte)'a': // APPEND
                    {
                        var value = Pop(stack);
                        AsList(Peek(stack)).Add(value);
                        break;
                    }
                case (byte)'e': // APPENDS
                    {
                        var values = PopMark(stack, marks);
                        AsList(Peek(stack)).AddRange(values);
                        break;
                    }
                case (byte)')': // EMPTY_TUPLE
                    stack.Add(Array.Empty<object?>());
                    break;
                case (byte)'t': // TUPLE
                    stack.Add(PopMark(stack, marks).ToArray());
                    break;
                case 0x85: // TUPLE1
                    stack.Add(new[] { Pop(stack) });
                    break;
                case 0x86: // TUPLE2
                    {
                        var second = Pop(stack);
                        stack.Add(new[] { Pop(stack), second });
                        break;
                    }
                case 0x87: // TUPLE3
                    {
                        var third = Pop(stack);
                        var second = Pop(stack);
                        stack.Add(new[] { Pop(stack), second, third });
                        break;
                    }
                case (byte)'}': // EMPTY_DICT
                    stack.Add(new Dictionary<object, object?>());
                    break;
                case (byte)'d': // DICT
                    {
                        var dictionary = new Dictionary<object, object?>();
                        AddPairs(dictionary, PopMark(stack, marks));
                        stack.Add(dictionary);
                        break;
                    }
                case (byte)'s': // SETITEM
                    {
                        var value = Pop(stack);
                        var key = Pop(stack);
                        AsDictionary(Peek(stack))[Key(key)] = value;
                        break;
                    }
                case (byte)'u': // SETITEMS
                    {
                        var pairs = PopMark(stack, marks);
                        AddPairs(AsDictionary(Peek(stack)), pairs);
                        break;
                    }
                case (byte)'q': // BINPUT
                    memo[reader.Byte()] = Peek(stack);
                    break;
                case (byte)'r': // LONG_BINPUT
                    memo[BinaryPrimitives.ReadUInt32LittleEndian(reader.Bytes(4))] = Peek(stack);
                    break;
                case 0x94: // MEMOIZE
                    memo[memo.Count] = Peek(stack);
                    break;
                case (byte)'h': // BINGET
                    stack.Add(Recall(memo, reader.Byte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    stack.Add(Recall(memo, BinaryPrimitives.ReadUInt32LittleEndian(reader.Bytes(4))));
                    break;
                case (byte)'c': // GLOBAL module\nname\n
                    stack.Add(Global(reader.Line(), reader.Line()));
                    break;
                case 0x93: // STACK_GLOBAL
                    {
                        var name = Pop(stack) as string;
                        var module = Pop(stack) as string;
                        if (name is null || module is null)
                        {
                            throw Corrupt("STACK_GLOBAL needs two strings");
                        }
                        stack.Add(Global(module, name));
                        break;
                    }
                case (byte)'R': // REDUCE: a call; only numpy's array and dtype constructors, interpreted here
                    {
                        var arguments = Pop(stack) as object?[];
                        var callable = Pop(stack);
                        stack.Add(Construct(callable, arguments));
                        break;
                    }
                case (byte)'b': // BUILD: __setstate__; only on the numpy values made above
                    {
                        var state = Pop(stack);
                        ApplyState(Peek(stack), state);
                        break;
                    }
                default:
                    throw opcode switch
                    {
                        (byte)'i' or (byte)'o' or 0x81 or 0x92 or 0x82 or 0x83 or 0x84 or (byte)'P' or (byte)'Q' =>
                            Unsafe($"opcode 0x{opcode:x2} ({OpcodeName(opcode)}) builds arbitrary objects"),
                        _ => Unsafe($"opcode 0x{opcode:x2} ({OpcodeName(opcode)}) is not one this reader accepts"),
                    };
            }
        }
    }

    private static object Global(string module, string name) =>
        NumpyGlobals.Contains((module, name))
            ? new GlobalName(module, name)
            : throw Unsafe($"GLOBAL {module}.{name} names code to run; only numpy arrays are accepted");

    private static object Construct(object? callable, object?[]? arguments)
    {
        switch (callable)
        {
            case GlobalName { Name: "_reconstruct" } when arguments is [GlobalName { Name: "ndarray" }, ..]:
                return new PickleArray();
            case GlobalName { Name: "dtype" } when arguments is [var name, ..] && Text(name) is { } dtypeName:
                return new PickleDType(dtypeName);
            case GlobalName { Module: "_codecs", Name: "encode" } when arguments is [string text, string encoding]
                && encoding is "latin1" or "latin-1" && text.All(c => c <= '\u00ff'):
                return Encoding.Latin1.GetBytes(text);
            case GlobalName global:
                throw Unsafe($"REDUCE of {global.Module}.{global.Name} with these arguments is not a numpy array or dtype");
            default:
                throw Unsafe("REDUCE calls something that is not a numpy array or dtype constructor");
        }
    }

    private static void ApplyState(object? target, object? state)
    {
        switch (target)
        {
            case PickleArray array when state is object?[] arrayState && arrayState is [_, object?[] shape, PickleDType dtype, bool fortran, byte[] data]:
                var dimensions = shape.Select(d => d is long value and >= 0 ? value : throw Corrupt("an array dimension is not a non-negative integer")).ToArray();
                var elements = dimensions.Aggregate(1L, (product, d) => checked(product * d));
                if (dtype.ItemSize == 0)
                {
                    throw Corrupt($"arrays of dtype '{dtype.Name}' are not read");
                }
                if (elements * dtype.ItemSize != data.Length)
                {
                    throw Corrupt($"the array's shape ({string.Join("×", dimensions)}, {dtype.Name}) needs {elements * dtype.ItemSize} bytes, it holds {data.Length}");
                }
                array.Shape = dimensions;
                array.DType = dtype.Name;
                array.IsFortranOrder = fortran;
                array.Data = data;
                break;
            case PickleArray:
                throw Corrupt("the numpy array's state is not (version, shape, dtype, fortran-order, bytes)");
            case PickleDType dtype when state is object?[] dtypeState && dtypeState is [_, var order, ..] && Text(order) is { } byteOrder:
                dtype.ByteOrder = byteOrder;
                break;
            default:
                throw Unsafe("BUILD sets the state of something that is not a numpy array or dtype");
        }
    }

    private static void AddPairs(Dictionary<object, object?> dictionary, List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw Corrupt("a dict is built from an odd number of items");
        }
        for (var i = 0; i < items.Count; i += 2)
        {
            dictionary[Key(items[i])] = items[i + 1];
        }
    }

    private static object Key(object? key) => key switch
    {
        byte[] bytes => Encoding.Latin1.GetString(bytes),
        string or long or bool or double => key,
        _ => throw Corrupt("a dict key is not a string or a number"),
    };

    private static string? Text(object? value) => value switch
    {
        string text => text,
        byte[] bytes => Encoding.Latin1.GetString(bytes),
        _ => null,
    };

    private static void CheckDepth(object? value, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            throw new PickleRejectedException("pickle-too-deep", $"the pickle nests more than {maxDepth} levels");
        }
        IEnumerable<object?> children = value switch
        {
            List<object?> list => list,
            object?[] tuple => tuple,
            Dictionary<object, object?> dictionary => dictionary.Values,
            _ => [],
        };
        foreach (var child in children)
        {
            CheckDepth(child, depth + 1, maxDepth);
        }
    }

    private static List<object?> PopMark(List<object?> stack, Stack<int> marks)
    {
        if (marks.Count == 0)
        {
            throw Corrupt("an opcode needs a MARK that is not there");
        }
        var start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private static object? Pop(List<object?> stack)
    {
        var value = Peek(stack);
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private static object? Peek(List<object?> stack) =>
        stack.Count > 0 ? stack[^1] : throw Corrupt("an opcode needs a value on an empty stack");

    private static object? Recall(Dictionary<long, object?> memo, long index) =>
        memo.TryGetValue(index, out var value) ? value : throw Corrupt($"memo entry {index} is read before it is written");

    private static List<object?> AsList(object? value) => value as List<object?> ?? throw Corrupt("APPEND to something that is not a list");

    private static Dictionary<object, object?> AsDictionary(object? value) =>
        value as Dictionary<object, object?> ?? throw Corrupt("SETITEM on something that is not a dict");

    private static long Long(ReadOnlySpan<byte> littleEndian)
    {
        if (littleEndian.Length > 8)
        {
            throw Corrupt("an integer wider than 64 bits");
        }
        if (littleEndian.Length == 0)
        {
            return 0;
        }
        Span<byte> buffer = stackalloc byte[8];
        buffer.Fill((littleEndian[^1] & 0x80) != 0 ? (byte)0xff : (byte)0);
        littleEndian.CopyTo(buffer);
        return BinaryPrimitives.ReadInt64LittleEndian(buffer);
    }

    private static int Length(ulong length) => length <= int.MaxValue ? (int)length : throw Corrupt("a string longer than 2 GiB");

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt("a text string is not UTF-8");
        }
    }

    private static string OpcodeName(byte opcode) => opcode switch
    {
        (byte)'i' => "INST",
        (byte)'o' => "OBJ",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        0x82 or 0x83 or 0x84 => "EXT",
        (byte)'P' => "PERSID",
        (byte)'Q' => "BINPERSID",
        >= 0x20 and < 0x7f => $"'{(char)opcode}'",
        _ => "unknown",
    };

    private static PickleRejectedException Unsafe(string message) => new("unsafe-pickle", message + "; nothing from it is run");

    private static PickleRejectedException Corrupt(string message) => new("corrupt-pickle", message);

    private sealed class Cursor(byte[] data)
    {
        private int position;

        public byte Byte() => position < data.Length ? data[position++] : throw Corrupt("the pickle ends before its STOP opcode");

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count < 0 || data.Length - position < count)
            {
                throw Corrupt("the pickle ends in the middle of a value");
            }
            var span = data.AsSpan(position, count);
            position += count;
            return span;
        }

        public string Line()
        {
            var end = Array.IndexOf(data, (byte)'\n', position);
            if (end < 0 || end - position > 256)
            {
                throw Corrupt("a GLOBAL name is not terminated");
            }
            var line = Encoding.ASCII.GetString(data, position, end - position);
            position = end + 1;
            return line;
        }
    }
}
