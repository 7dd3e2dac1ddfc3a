using Platform.Trainer.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

// A worker: no public API, but health endpoints so the AppHost and Container Apps can probe it.
app.MapDefaultEndpoints();

app.Run();
