using Platform.Imaging.Formats.Recipes;

namespace Platform.Imaging.Tests.Transforms;

public class TransformRecipeTests
{
    [Fact]
    public void Recipe_survives_a_json_round_trip()
    {
        var recipe = TransformRecipe.Train(224, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd,
            crop: new RandomResizedCropOptions(0.2, 1, 0.5, 2), horizontalFlipProbability: 0.3,
            colorJitter: new ColorJitterOptions(0.1, 0.2, 0.3, 0.05));
        var restored = TransformRecipe.FromJson(recipe.ToJson());
        Assert.True(recipe.SameAs(restored));
    }

    [Fact]
    public void Eval_preset_resizes_by_256_over_224()
    {
        var recipe = TransformRecipe.Eval(224, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd);
        Assert.Equal(256, recipe.ResizeShorterSide);
        Assert.True(recipe.IsDeterministic);
        Assert.True(recipe.SameAs(TransformRecipe.FromJson(recipe.ToJson())));
    }

    [Theory]
    [InlineData("""{"size":0,"channels":3,"mean":[0,0,0],"std":[1,1,1]}""")]
    [InlineData("""{"size":8,"channels":2,"mean":[0,0],"std":[1,1]}""")]
    [InlineData("""{"size":8,"channels":3,"mean":[0,0],"std":[1,1,1]}""")]
    [InlineData("""{"size":8,"channels":1,"mean":[0],"std":[0]}""")]
    [InlineData("""{"size":8,"channels":1,"mean":[0],"std":[1],"resizeShorterSide":4}""")]
    [InlineData("""{"size":8,"channels":1,"mean":[0],"std":[1],"colorJitter":{"hue":0.7}}""")]
    [InlineData("""{"size":8,"channels":1,"mean":[0],"std":[1],"randomResizedCrop":{"minScale":0.5,"maxScale":0.2}}""")]
    public void Invalid_recipes_are_rejected(string json)
    {
        Assert.Throws<ArgumentException>(() => TransformRecipe.FromJson(json));
    }

    [Theory]
    [InlineData("""{"randAugment":{"n":0}}""", "RandAugment N must be between 1 and 10 (was 0)")]
    [InlineData("""{"randAugment":{"m":11}}""", "RandAugment M must lie in [0, 10] (was 11)")]
    [InlineData("""{"randAugment":{"magnitudeStd":-1}}""", "RandAugment MagnitudeStd must lie in [0, 10] (was -1)")]
    [InlineData("""{"randAugment":{"probability":1.5}}""", "RandAugment Probability must lie in [0, 1] (was 1.5)")]
    [InlineData("""{"randAugment":{},"trivialAugmentWide":true}""", "RandAugment and TrivialAugmentWide are alternatives")]
    [InlineData("""{"randomErasing":{"probability":2}}""", "RandomErasing Probability must lie in [0, 1] (was 2)")]
    [InlineData("""{"randomErasing":{"minArea":0.5,"maxArea":0.4}}""", "0 < MinArea <= MaxArea < 1 (were 0.5 and 0.4)")]
    [InlineData("""{"randomErasing":{"minAspect":0}}""", "0 < MinAspect <= MaxAspect (were 0 and")]
    [InlineData("""{"randomErasing":{"count":0}}""", "RandomErasing Count must be between 1 and 16 (was 0)")]
    public void Invalid_augmentation_settings_are_rejected_naming_the_value(string settings, string message)
    {
        var json = """{"size":8,"channels":3,"mean":[0,0,0],"std":[1,1,1],""" + settings[1..];
        var error = Assert.Throws<ArgumentException>(() => TransformRecipe.FromJson(json));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Augmentation_settings_survive_a_json_round_trip_and_make_the_recipe_random()
    {
        var recipe = new TransformRecipe(32, 3, [0, 0, 0], [1, 1, 1], RandAugment: new RandAugmentOptions(3, 7, 0.5, 0.8, Increasing: true),
            RandomErasing: new RandomErasingOptions(0.3, Fill: ErasingFill.Channel, Count: 2));
        var json = recipe.ToJson();
        Assert.Contains("\"fill\": \"channel\"", json);
        Assert.True(recipe.SameAs(TransformRecipe.FromJson(json)));
        Assert.False(recipe.IsDeterministic);
        Assert.False(new TransformRecipe(32, 3, [0, 0, 0], [1, 1, 1], TrivialAugmentWide: true).IsDeterministic);
    }
}
