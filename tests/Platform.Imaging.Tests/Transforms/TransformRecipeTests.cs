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
}
