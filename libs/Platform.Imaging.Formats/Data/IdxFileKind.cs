namespace Platform.Imaging.Formats.Data;

public enum IdxFileKind
{
    None,
    Images,
    Labels,
}
