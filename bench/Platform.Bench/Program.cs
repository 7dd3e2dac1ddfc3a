using Platform.Bench;

// Usage: dotnet run -c Release --project bench/Platform.Bench -- <benchmark> [--threads N] [--seconds S] ...
// Each benchmark prints its figures and a Markdown block for docs/benchmarks.md.
var benchmarks = new Dictionary<string, Func<BenchArguments, int>>(StringComparer.Ordinal)
{
    ["training-loop"] = TrainingLoopBenchmark.Run,
    ["loader"] = LoaderBenchmark.Run,
    ["fashion-mnist"] = FashionMnistBenchmark.Run,
    ["matmul"] = arguments => MatmulBenchmark.Run(arguments),
    ["onnx-vs-torch"] = OnnxVsTorchBenchmark.Run,
    ["doctor-overhead"] = DoctorOverheadBenchmark.Run,
    ["data-parallel"] = DataParallelBenchmark.Run,
    ["full-size-parity"] = FullSizeParityBenchmark.Run,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"Usage: Platform.Bench <{string.Join("|", benchmarks.Keys)}> [--threads N] [--seconds S] [benchmark options]");
    return 2;
}

var arguments = BenchArguments.Parse(args[1..]);
Console.WriteLine(MachineInfo.Describe(arguments.Threads));
return run(arguments);
