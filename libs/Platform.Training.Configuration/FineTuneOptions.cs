namespace Platform.Training.Configuration;

/// <param name="Mode">How much of the model trains.</param>
/// <param name="HeadEpochs">Staged only: epochs with a frozen backbone before it is unfrozen.</param>
/// <param name="BackboneLrFactor">Staged only: backbone learning rate as a fraction of the head's once unfrozen.</param>
public sealed record FineTuneOptions(FineTuneMode Mode = FineTuneMode.Full, int HeadEpochs = 1, double BackboneLrFactor = 0.1);
