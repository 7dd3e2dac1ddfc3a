using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Transforms;
using Platform.Testing;

namespace Platform.Imaging.Tests.Transforms;

/// <summary>RandAugment, TrivialAugmentWide and random erasing inside <see cref="TransformPipeline"/>, on a real photo.</summary>
public class AugmentedPipelineTests
{
    private const int Size = 48;
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];
    private static readonly Lazy<ImageBuffer> Photo = new(() =>
        ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(RepositoryPaths.Art4Apps, "animals", "alligator.jpg"))));

    private static TransformRecipe Base => TransformRecipe.Train(Size, Mean, Std);

    private static float[] Run(TransformRecipe recipe, int index, int seed = 42, int epoch = 0, ImageBuffer? image = null)
    {
        var pipeline = new TransformPipeline(recipe);
        var output = new float[pipeline.OutputLength];
        pipeline.Apply(image ?? Photo.Value, output, seed, epoch, index);
        return output;
    }

    public static TheoryData<string> Recipes => ["randAugment", "trivialAugment", "randomErasing"];

    private static TransformRecipe Named(string name) => name switch
    {
        "randAugment" => Base with { RandAugment = new RandAugmentOptions() },
        "trivialAugment" => Base with { TrivialAugmentWide = true },
        _ => Base with { RandomErasing = new RandomErasingOptions(Probability: 0.5) },
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public void The_same_seed_epoch_and_sample_give_the_same_output_and_others_differ(string name)
    {
        var recipe = Named(name);
        for (var index = 0; index < 6; index++)
        {
            Assert.Equal(Run(recipe, index), Run(recipe, index));
        }

        Assert.NotEqual(Run(recipe, 0), Run(recipe, 0, seed: 43));
        Assert.NotEqual(Run(recipe, 0), Run(recipe, 0, epoch: 1));
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Some_samples_are_changed_and_the_rest_match_the_recipe_without_it(string name)
    {
        var recipe = Named(name);
        var changed = 0;
        for (var index = 0; index < 40; index++)
        {
            var plain = Run(Base, index);
            var augmented = Run(recipe, index);
            Assert.All(augmented, value => Assert.True(float.IsFinite(value)));
            // The crop and flip are drawn first, so a sample whose operations were all skipped is the plain sample.
            if (!plain.SequenceEqual(augmented))
            {
                changed++;
            }
        }

        Assert.InRange(changed, 8, 40);
    }

    [Fact]
    public void Rand_augment_output_stays_within_the_normalised_unit_range()
    {
        var recipe = Base with { RandAugment = new RandAugmentOptions(N: 4, M: 10, Probability: 1) };
        for (var index = 0; index < 20; index++)
        {
            var output = Run(recipe, index);
            for (var channel = 0; channel < 3; channel++)
            {
                Assert.All(output.AsSpan(channel * Size * Size, Size * Size).ToArray(),
                    value => Assert.InRange(value, -Mean[channel] / Std[channel] - 1e-5f, (1 - Mean[channel]) / Std[channel] + 1e-5f));
            }
        }
    }

    [Fact]
    public void Grayscale_input_takes_rand_augment_and_erasing()
    {
        var recipe = TransformRecipe.Train(28, [0.5f], [0.25f], channels: 1) with
        {
            RandAugment = new RandAugmentOptions(Probability: 1),
            RandomErasing = new RandomErasingOptions(Probability: 1),
        };
        var gray = Photo.Value.WithChannels(1);
        Assert.Equal(Run(recipe, 5, image: gray), Run(recipe, 5, image: gray));
        Assert.NotEqual(Run(recipe with { RandAugment = null, RandomErasing = null }, 5, image: gray), Run(recipe, 5, image: gray));
    }
}
