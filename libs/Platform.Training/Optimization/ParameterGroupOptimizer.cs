using Platform.Training.Configuration;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Optimization;

/// <summary>
/// A TorchSharp optimizer over named parameter groups (backbone, head), whose learning rates follow one schedule:
/// each group trains at the scheduled rate times its factor.
/// </summary>
public sealed class ParameterGroupOptimizer : IDisposable
{
    private readonly OptimizerHelper optimizer;
    private readonly IReadOnlyList<optim.ILearningRateController> controllers;

    private ParameterGroupOptimizer(OptimizerHelper optimizer, IReadOnlyList<ParameterGroup> groups)
    {
        this.optimizer = optimizer;
        Groups = groups;
        controllers = optimizer.ParamGroups.ToArray();
    }

    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Every parameter the optimizer updates.</summary>
    public IEnumerable<Parameter> Parameters => Groups.SelectMany(g => g.Parameters);

    /// <summary>The learning rate each group trains at now, by group name.</summary>
    public IReadOnlyDictionary<string, double> LearningRates =>
        Groups.Select((g, i) => (g.Name, controllers[i].LearningRate)).ToDictionary(x => x.Name, x => x.LearningRate);

    public static ParameterGroupOptimizer Create(Configuration.OptimizerOptions options, double lr, double weightDecay, IReadOnlyList<ParameterGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0 || groups.Any(g => g.Parameters.Count == 0))
        {
            throw new ArgumentException("Every parameter group needs at least one parameter.", nameof(groups));
        }

        OptimizerHelper optimizer = options.Kind switch
        {
            OptimizerKind.AdamW => optim.AdamW(
                groups.Select(g => new AdamW.ParamGroup(g.Parameters, lr * g.LrFactor, options.Beta1, options.Beta2, options.Eps, g.DecaysWeights ? weightDecay : 0)),
                lr, options.Beta1, options.Beta2, options.Eps, weightDecay),
            OptimizerKind.Sgd => optim.SGD(
                groups.Select(g => new SGD.ParamGroup(g.Parameters, lr * g.LrFactor, options.Momentum, 0, g.DecaysWeights ? weightDecay : 0, options.Nesterov)),
                lr, options.Momentum, 0, weightDecay, options.Nesterov),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown optimizer."),
        };
        return new ParameterGroupOptimizer(optimizer, groups);
    }

    /// <summary>Sets every group to <paramref name="lr"/> × its factor.</summary>
    public void SetLearningRate(double lr)
    {
        for (int i = 0; i < controllers.Count; i++)
        {
            controllers[i].LearningRate = lr * Groups[i].LrFactor;
        }
    }

    public void ZeroGrad() => optimizer.zero_grad();

    /// <summary>Updates every parameter that has a gradient (frozen ones have none and stay as they are).</summary>
    public void Step() => optimizer.step();

    public void Save(BinaryWriter writer) => optimizer.save_state_dict(writer);

    public void Load(BinaryReader reader) => optimizer.load_state_dict(reader);

    public void Dispose() => optimizer.Dispose();
}
