namespace Platform.TensorBoard;

/// <summary>How a session ended, as the HParams plugin's <c>Status</c> enum numbers it (tensorboard/plugins/hparams/api.proto).</summary>
public enum HParamsSessionStatus
{
    Unknown = 0,
    Success = 1,
    Failure = 2,
    Running = 3,
}
