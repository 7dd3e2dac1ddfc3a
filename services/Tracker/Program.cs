using Platform.Tracker.Apis;
using Platform.Tracker.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapStaticAssets();
app.UseBrowserLibraries();
app.MapGet("/", () => TypedResults.Redirect("/index.html")).ExcludeFromDescription();
app.MapOtlpApi();
app.MapRunsApi();
app.MapFindingsApi();
app.MapMisclassifiedApi();
app.MapSweepsApi();
app.MapModelsApi();
app.MapDatasetsApi();
app.MapUiApi();
app.MapInferenceStatusApi();
app.MapDiagnosticsApi();

app.Run();
