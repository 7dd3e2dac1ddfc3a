namespace Platform.AppHost.Tests;

/// <summary>
/// Marks the test that ends a class's shared suite (stopping it is what it tests), so <see cref="RunsLastOrderer"/> runs it
/// after every test that still needs the suite running.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RunsLastAttribute : Attribute;
