using Platform.Imaging.Data;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats;
using Platform.Testing;

namespace Platform.Imaging.Tests.Data;

public sealed class FolderDatasetTests : IDisposable
{
    private readonly string _temporary = Directory.CreateTempSubdirectory("folder-dataset-").FullName;

    public void Dispose() => Directory.Delete(_temporary, recursive: true);

    private static string Art4Apps()
    {
        var path = RepositoryPaths.Art4Apps;
        Assert.True(Directory.Exists(path), $"{path} is missing: run scripts/setup.sh to extract the art4apps images.");
        return path;
    }

    [Fact]
    public void Art4apps_classes_are_the_sorted_subfolders_with_all_their_images()
    {
        var dataset = FolderDataset.Open(Art4Apps());

        Assert.Equal(
            ["actions", "animals", "body", "clothes_n_accessories", "construction", "food", "fruit_n_veg", "jobs", "nature", "people", "sport", "transport"],
            dataset.Classes);
        var counts = Labels.CountPerClass(Labels.Of(dataset), dataset.Classes.Count);
        Assert.Equal([80, 128, 38, 45, 37, 56, 48, 55, 19, 29, 29, 21], counts);
        Assert.Equal(585, dataset.Count);
        Assert.Empty(dataset.SkippedFiles);
    }

    [Fact]
    public void Art4apps_images_decode_to_200x200_rgb()
    {
        var dataset = FolderDataset.Open(Art4Apps());
        var image = dataset.Load(dataset.Count - 1);
        Assert.Equal((200, 200, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal("transport", dataset.Classes[dataset.GetLabel(dataset.Count - 1)]);
    }

    [Fact]
    public void Non_image_files_and_nested_folders_are_listed_as_skipped()
    {
        WriteImage("cats", "b.png");
        WriteImage("cats", "a.PNG");
        WriteImage("dogs", "x.jpg");
        File.WriteAllText(Path.Combine(_temporary, "cats", "notes.txt"), "not an image");
        File.WriteAllText(Path.Combine(_temporary, "top-level.txt"), "outside the class folders");
        WriteImage(Path.Combine("dogs", "puppies"), "nested.png");

        var dataset = FolderDataset.Open(_temporary);

        Assert.Equal(["cats", "dogs"], dataset.Classes);
        Assert.Equal(3, dataset.Count);
        Assert.Equal("a.PNG", Path.GetFileName(dataset.FilePath(0)));
        Assert.Equal([Path.Combine("cats", "notes.txt"), Path.Combine("dogs", "puppies") + Path.DirectorySeparatorChar], dataset.SkippedFiles);
    }

    [Fact]
    public void A_broken_file_is_rejected_naming_the_file()
    {
        WriteImage("cats", "good.png");
        File.WriteAllBytes(Path.Combine(_temporary, "cats", "broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);

        var dataset = FolderDataset.Open(_temporary);
        var rejection = Assert.Throws<ImageRejectedException>(() => dataset.Load(0));

        Assert.Equal(RejectionReason.Truncated, rejection.Reason);
        Assert.Contains("broken.jpg", rejection.Message);
    }

    [Fact]
    public void A_missing_folder_is_reported()
    {
        Assert.Throws<DirectoryNotFoundException>(() => FolderDataset.Open(Path.Combine(_temporary, "absent")));
    }

    private void WriteImage(string className, string fileName)
    {
        Directory.CreateDirectory(Path.Combine(_temporary, className));
        File.WriteAllBytes(Path.Combine(_temporary, className, fileName), ImageEncoder.Encode(TestImages.Gradient(8, 8), ImageFormat.Png));
    }
}
