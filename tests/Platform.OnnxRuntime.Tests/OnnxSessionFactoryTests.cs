using Microsoft.ML.OnnxRuntime;

namespace Platform.OnnxRuntime.Tests;

public sealed class OnnxSessionFactoryTests
{
    // No GPU has this ordinal: where the CUDA libraries are absent appending the provider fails, where they load the session
    // cannot start on it. Either way the factory has to fall back to the CPU and say why.
    private const int MissingGpu = 4096;

    [Fact]
    public void Preferring_cuda_where_it_cannot_start_runs_the_session_on_the_cpu_and_says_why()
    {
        var factory = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: true, CudaDeviceId: MissingGpu));

        using var session = factory.Create(IdentityModel.Bytes);

        Assert.Equal(ExecutionProvider.Cpu, session.Provider);
        Assert.StartsWith("CUDA execution provider unavailable (", session.FallbackReason);
        Assert.EndsWith("); using the CPU provider.", session.FallbackReason);
        Assert.Equal(ExecutionProvider.Cpu, factory.Provider);
        Assert.Equal(session.FallbackReason, factory.FallbackReason);
    }

    [Fact]
    public void Not_preferring_cuda_runs_on_the_cpu_with_no_fallback_reason()
    {
        var factory = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false));

        using var session = factory.Create(IdentityModel.Bytes);

        Assert.Equal(ExecutionProvider.Cpu, factory.Provider);
        Assert.Null(factory.FallbackReason);
        Assert.Equal(ExecutionProvider.Cpu, session.Provider);
        Assert.Null(session.FallbackReason);
    }

    [Fact]
    public void Sessions_get_the_threads_sequential_execution_and_every_graph_optimisation()
    {
        var factory = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false, IntraOpThreads: 3));

        using var options = factory.CreateSessionOptions(ExecutionProvider.Cpu, factory.Options.ResolvedIntraOpThreads);

        Assert.Equal(3, options.IntraOpNumThreads);
        Assert.Equal(1, options.InterOpNumThreads);
        Assert.Equal(ExecutionMode.ORT_SEQUENTIAL, options.ExecutionMode);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, options.GraphOptimizationLevel);
    }

    [Fact]
    public void Idle_threads_stop_spinning_only_when_spinning_is_switched_off()
    {
        Assert.Empty(OnnxSessionFactory.ConfigEntries(new OnnxSessionOptions(AllowSpinning: true)));
        Assert.Equal(new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
            OnnxSessionFactory.ConfigEntries(new OnnxSessionOptions(AllowSpinning: false)));
    }

    [Fact]
    public void A_per_model_thread_count_overrides_the_factory_setting_and_no_setting_means_one_thread_per_core()
    {
        var factory = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false));

        using var shared = factory.Create(IdentityModel.Bytes);
        using var overridden = factory.Create(IdentityModel.Bytes, intraOpThreads: 1);

        Assert.Equal(Environment.ProcessorCount, shared.IntraOpThreads);
        Assert.Equal(1, overridden.IntraOpThreads);
    }

    [Fact]
    public void The_defaults_prefer_cuda_on_gpu_0_with_one_thread_per_core_and_spinning()
    {
        var defaults = new OnnxSessionFactory().Options;

        Assert.Same(OnnxSessionOptions.Default, defaults);
        Assert.True(defaults.PreferCuda);
        Assert.Equal(0, defaults.CudaDeviceId);
        Assert.Equal(Environment.ProcessorCount, defaults.ResolvedIntraOpThreads);
        Assert.True(defaults.AllowSpinning);
    }

    [Fact]
    public void A_session_runs_the_model_and_exposes_its_names_and_metadata()
    {
        using var session = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false, IntraOpThreads: 1)).Create(IdentityModel.Bytes);

        var (values, shape) = session.Run([1f, -2f, 3f, 4f, 5f, -6f], [2, 3]);

        Assert.Equal([1f, -2f, 3f, 4f, 5f, -6f], values);
        Assert.Equal([2L, 3L], shape);
        Assert.Equal("input", session.InputName);
        Assert.Equal("logits", session.OutputName);
        Assert.Equal(IdentityModel.Architecture, session.MetadataProperties["architecture"]);
    }

    [Fact]
    public void A_model_onnx_runtime_cannot_read_fails_and_leaves_the_provider_choice_alone()
    {
        var factory = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: true));
        var (provider, reason) = (factory.Provider, factory.FallbackReason);

        Assert.Throws<OnnxRuntimeException>(() => factory.Create([1, 2, 3]));

        Assert.Equal(provider, factory.Provider);
        Assert.Equal(reason, factory.FallbackReason);
    }

    [Fact]
    public void Fewer_than_one_intra_op_thread_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxSessionFactory(new OnnxSessionOptions(IntraOpThreads: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false)).Create(IdentityModel.Bytes, intraOpThreads: 0));
    }

    [Fact]
    public void Shared_pool_session_options_have_no_threads_of_their_own_so_onnx_runtime_needs_the_environments_pool()
    {
        var factory = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false));
        // This test process's environment is ONNX Runtime's default one, made without a global pool (as the trainer's is).
        _ = OrtEnv.Instance();
        using var perSession = factory.CreateSessionOptions(ExecutionProvider.Cpu, 2, threadPool: OnnxThreadPool.PerSession);
        using var shared = factory.CreateSessionOptions(ExecutionProvider.Cpu, 2, threadPool: OnnxThreadPool.Shared);

        using var ownPool = new InferenceSession(IdentityModel.Bytes, perSession);
        // Without per-session threads a session runs on the environment's global pool, and ONNX Runtime refuses it when there is none.
        var refused = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(IdentityModel.Bytes, shared));
        Assert.Contains("thread", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_shared_pool_is_refused_with_the_reason_once_the_environment_exists_without_one()
    {
        _ = OrtEnv.Instance();

        var refused = Assert.Throws<InvalidOperationException>(() => new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false, ThreadPool: OnnxThreadPool.Shared)));

        Assert.Contains("created without a shared thread pool", refused.Message);
    }

    [Fact]
    public void A_per_session_factory_makes_no_session_on_a_shared_pool()
    {
        var factory = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false));

        Assert.Throws<InvalidOperationException>(() => factory.Create(IdentityModel.Bytes, threadPool: OnnxThreadPool.Shared));
        using var session = factory.Create(IdentityModel.Bytes);
        Assert.Equal(OnnxThreadPool.PerSession, session.ThreadPool);
    }
}
