using Platform.Ingest.Apis;
using Platform.Ingest.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapDatasetsApi();
app.MapDiagnosticsApi();

app.Run();
