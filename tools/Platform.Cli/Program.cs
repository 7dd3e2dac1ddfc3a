using Platform.Cli;

return await PlatformCommandLine.RunAsync(args, Console.Out, Console.Error,
    interactive: !Console.IsOutputRedirected && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb");
